// Validates Kubernetes manifests offline against the API's schemas that kubernetes-models bundles
// (compiled validators of Kubernetes' OpenAPI definitions): wrong types, missing required fields,
// bad enum values and formats. The bundled validators accept fields the schema does not know;
// kubectl (strict field validation) refuses them, so this script also reports every field that the
// validator never looked up: a misspelt `livenesProbe` is an error here as it is in kubectl.
//
//   node validate.mjs [FILE.yaml ...]     (default: every .yaml of ../kubernetes/)
//
// It first checks itself on broken manifests (a wrong type, a missing field, an unknown field),
// so that a validator that lets everything pass fails. Exit status: 0 all valid, 1 not.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));

// apiVersion "apps/v1", kind "StatefulSet" -> _schemas/IoK8sApiAppsV1StatefulSet.mjs; the core
// group ("v1") is Core; a group "x.k8s.io" is X.
function schemaName(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  const upper = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  return `IoK8sApi${upper(group.split(".")[0])}${upper(version)}${kind}`;
}

async function validatorOf(apiVersion, kind) {
  const schemas = join(here, "node_modules/kubernetes-models/_schemas");
  const file = join(schemas, `${schemaName(apiVersion, kind)}.mjs`);
  try {
    return (await import(file)).validate;
  } catch {
    return null;
  }
}

// Wraps a parsed document so that every object remembers the keys the validator reads, and whether
// it enumerated them (a map such as labels or a ConfigMap's data: any key is allowed there).
function tracked(value, path, objects) {
  if (value === null || typeof value !== "object") return value;
  const record = { path, value, read: new Set(), enumerated: Array.isArray(value) };
  objects.push(record);
  const children = new Map();
  return new Proxy(value, {
    get(target, key) {
      if (typeof key === "string") record.read.add(key);
      const child = target[key];
      if (typeof key !== "string" || child === null || typeof child !== "object") return child;
      if (!children.has(key)) children.set(key, tracked(child, `${path}/${key}`, objects));
      return children.get(key);
    },
    has(target, key) {
      if (typeof key === "string") record.read.add(key);
      return key in target;
    },
    ownKeys(target) {
      record.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

// The bundled validators carry no messages: say what the keyword and its parameters mean.
function describe({ keyword, params, message }) {
  if (message) return message;
  if (keyword === "required") return `required field ${params.missingProperty} is missing`;
  if (keyword === "type") return `must be of type ${params.type}`;
  if (keyword === "enum") return `must be one of ${params.allowedValues.join(", ")}`;
  if (keyword === "format") return `must have the format ${params.format}`;
  return `${keyword} ${JSON.stringify(params)}`;
}

// The problems of one object (an empty list when it is valid).
async function problemsOf(object) {
  if (object === null || typeof object !== "object" || Array.isArray(object)) {
    return ["not a mapping"];
  }
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return ["no apiVersion or kind"];
  }
  const validate = await validatorOf(apiVersion, kind);
  if (!validate) return [`no schema for ${apiVersion} ${kind} in kubernetes-models`];
  const objects = [];
  const problems = [];
  if (!validate(tracked(object, "", objects))) {
    for (const e of validate.errors) problems.push(`${e.instancePath || "/"}: ${describe(e)}`);
  }
  // Unknown fields: keys of a mapping the validator neither read nor enumerated. (Under a field
  // that fails its type, nothing is read: those are already reported above.)
  for (const { path, value, read, enumerated } of objects) {
    if (enumerated || problems.some((p) => p.startsWith(`${path}:`))) continue;
    for (const key of Object.keys(value)) {
      if (!read.has(key)) problems.push(`${path}/${key}: not a field of the schema`);
    }
  }
  return problems;
}

async function selfCheck() {
  const deployment = () => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "x", labels: { any: "label" } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "x" } },
      template: {
        metadata: { labels: { app: "x" } },
        spec: { containers: [{ name: "x", image: "x", env: [{ name: "A", value: "1" }] }] },
      },
    },
  });
  const container = (d) => d.spec.template.spec.containers[0];
  const broken = {
    "a valid Deployment": [deployment(), 0],
    "replicas as a string": [deployment(), 1, (d) => (d.spec.replicas = "two")],
    "a container without its name": [deployment(), 1, (d) => delete container(d).name],
    "a misspelt livenessProbe": [deployment(), 1, (d) => (container(d).livenesProbe = {})],
    "an unknown kind": [{ apiVersion: "v1", kind: "Nothing" }, 1],
  };
  for (const [name, [object, wanted, breakIt]] of Object.entries(broken)) {
    if (breakIt) breakIt(object);
    const found = (await problemsOf(object)).length;
    if (found !== wanted) {
      console.error(`[validate] self-check failed: ${name}: ${found} problems, expected ${wanted}`);
      process.exit(1);
    }
  }
}

await selfCheck();
const dir = join(here, "../kubernetes");
const files = process.argv.length > 2
  ? process.argv.slice(2)
  : readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort().map((f) => join(dir, f));
let failed = 0;
let count = 0;
for (const file of files) {
  const name = relative(process.cwd(), file);
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      failed++;
      console.error(`${name}: YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const object = doc.toJS();
    if (object === null) continue;
    count++;
    const problems = await problemsOf(object);
    const title = `${name}: ${object.kind}/${object.metadata?.name}`;
    if (problems.length) {
      failed++;
      for (const p of problems) console.error(`${title}: ${p}`);
    } else {
      console.log(`${title}: valid`);
    }
  }
}
if (count === 0) {
  console.error("[validate] no manifest found");
  process.exit(1);
}
console.log(`[validate] ${count} objects, ${failed} invalid (schemas of kubernetes-models 4.5.1)`);
process.exit(failed ? 1 : 0);
