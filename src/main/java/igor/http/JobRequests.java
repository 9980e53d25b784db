package igor.http;

import igor.config.FlowLimits;
import igor.config.Limits;
import igor.domain.Identifiers;
import igor.domain.JobPlan;
import igor.domain.LayerPlan;
import igor.domain.PlanBounds;
import igor.domain.TaskDefaults;
import igor.domain.TaskFlow;
import igor.domain.TaskPlan;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The request bodies of API v1 (SEMANTICS.md section 5) and their checks against the {@link
 * Limits}. A request is checked whole before anything changes; the first problem is the answer,
 * naming the field and, for a limit, its setting.
 */
final class JobRequests {

  /**
   * {@code urgency}, {@code concurrencyKey} and {@code fairnessKey} are the defaults of the job's
   * tasks (docs/flow-control.md); a task's own win.
   */
  record CreateJob(
      String name,
      Long pausedAt,
      List<CreateLayer> layers,
      Long startAt,
      Long startAfter,
      Integer urgency,
      String concurrencyKey,
      String fairnessKey) {}

  record CreateLayer(String name, Integer priority, Long pausedAt, List<CreateTask> tasks) {}

  record CreateTask(
      String type,
      String args,
      String name,
      Long pausedAt,
      Integer retries,
      Integer timeout,
      Integer urgency,
      String concurrencyKey,
      String fairnessKey) {}

  record AddTask(
      String layerId,
      String type,
      String args,
      String name,
      Long pausedAt,
      Integer retries,
      Integer timeout,
      Integer urgency,
      String concurrencyKey,
      String fairnessKey) {}

  private final Limits limits;
  private final PlanBounds bounds;
  private final TaskDefaults defaults;

  JobRequests(Limits limits, TaskDefaults defaults) {
    this.limits = limits;
    this.bounds = limits.planBounds();
    this.defaults = defaults;
  }

  /** The plan of a new job, with fresh ids for it, its layers and tasks. */
  JobPlan toPlan(CreateJob request) {
    checkName("name", request.name());
    long jobPausedAtMillis = pausedAtMillis("paused_at", request.pausedAt());
    List<CreateLayer> layers = request.layers() == null ? List.of() : request.layers();
    if (layers.size() > limits.maxLayersPerJob()) {
      throw tooMany("layers", layers.size(), limits.maxLayersPerJob(), "max-layers-per-job");
    }
    String jobId = Identifiers.newId();
    TaskFlow jobFlow =
        flow("", request.urgency(), request.concurrencyKey(), request.fairnessKey(), TaskFlow.NONE);
    List<LayerPlan> layerPlans = new ArrayList<>(layers.size());
    List<TaskPlan> taskPlans = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      CreateLayer layer = layers.get(i);
      String at = "layers[" + i + "]";
      if (layer == null) {
        throw ApiException.badRequest("field '" + at + "' must be a JSON object");
      }
      checkName(at + ".name", layer.name());
      String layerId = Identifiers.newId();
      layerPlans.add(
          new LayerPlan(
              layerId,
              layer.name(),
              layer.priority() == null ? 0 : layer.priority(),
              pausedAtMillis(at + ".paused_at", layer.pausedAt())));
      List<CreateTask> tasks = layer.tasks() == null ? List.of() : layer.tasks();
      if (taskPlans.size() + tasks.size() > limits.maxTasksPerJob()) {
        throw tooMany(
            "tasks in the job",
            taskPlans.size() + tasks.size(),
            limits.maxTasksPerJob(),
            "max-tasks-per-job");
      }
      for (int j = 0; j < tasks.size(); j++) {
        CreateTask t = tasks.get(j);
        String tat = at + ".tasks[" + j + "]";
        if (t == null) {
          throw ApiException.badRequest("field '" + tat + "' must be a JSON object");
        }
        taskPlans.add(
            task(
                tat,
                layerId,
                t.type(),
                t.args(),
                t.name(),
                t.pausedAt(),
                t.retries(),
                t.timeout(),
                flow(tat + ".", t.urgency(), t.concurrencyKey(), t.fairnessKey(), jobFlow)));
      }
    }
    return new JobPlan(
        jobId, request.name(), jobPausedAtMillis, layerPlans, taskPlans, startAtMillis(request));
  }

  /**
   * When the job may start (unix ms), 0 for at once: {@code start_at} (unix seconds) or {@code
   * start_after} (seconds from now), at most one of them, within igor.limits.max-start-delay.
   */
  private long startAtMillis(CreateJob request) {
    long now = System.currentTimeMillis();
    if (request.startAt() != null && request.startAfter() != null) {
      throw ApiException.badRequest(
          "fields 'start_at' and 'start_after' exclude each other: give at most one");
    }
    if (request.startAt() != null) {
      check("start_at", bounds.startAtProblem(request.startAt(), now));
      return request.startAt() * 1000;
    }
    if (request.startAfter() != null) {
      check("start_after", bounds.startAfterProblem(request.startAfter()));
      return request.startAfter() == 0 ? 0 : now + request.startAfter() * 1000;
    }
    return 0;
  }

  /** The plans of tasks to add to existing layers, with fresh ids. */
  List<TaskPlan> toPlans(List<AddTask> request) {
    if (request.size() > limits.maxTasksPerRequest()) {
      throw tooMany(
          "tasks in one request",
          request.size(),
          limits.maxTasksPerRequest(),
          "max-tasks-per-request");
    }
    List<TaskPlan> plans = new ArrayList<>(request.size());
    for (int i = 0; i < request.size(); i++) {
      AddTask t = request.get(i);
      String at = "[" + i + "]";
      if (t == null) {
        throw ApiException.badRequest("field '" + at + "' must be a JSON object");
      }
      if (t.layerId() == null || t.layerId().isEmpty()) {
        throw ApiException.badRequest(
            "field '" + at + ".layer_id' is required: tasks are added to an existing layer");
      }
      if (!Identifiers.isId(t.layerId())) {
        throw ApiException.badRequest(
            "field '" + at + ".layer_id' must be a lowercase UUID, got '" + t.layerId() + "'");
      }
      plans.add(
          task(
              at,
              t.layerId(),
              t.type(),
              t.args(),
              t.name(),
              t.pausedAt(),
              t.retries(),
              t.timeout(),
              flow(at + ".", t.urgency(), t.concurrencyKey(), t.fairnessKey(), TaskFlow.NONE)));
    }
    return plans;
  }

  private TaskPlan task(
      String at,
      String layerId,
      String type,
      String args,
      String name,
      Long pausedAt,
      Integer retries,
      Integer timeout,
      TaskFlow flow) {
    if (type == null || type.isBlank()) {
      throw ApiException.badRequest("field '" + at + ".type' is required: it names the handler");
    }
    if (type.length() > limits.maxTypeLength()) {
      throw ApiException.badRequest(
          "field '"
              + at
              + ".type' is "
              + type.length()
              + " characters, over the limit of "
              + limits.maxTypeLength()
              + " (igor.limits.max-type-length)");
    }
    if (type.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
      throw ApiException.badRequest(
          "field '" + at + ".type' may not hold spaces or control characters");
    }
    checkName(at + ".name", name);
    if (retries != null) {
      check(at + ".retries", bounds.retriesProblem(retries));
    }
    if (timeout != null) {
      check(at + ".timeout", bounds.timeoutProblem(timeout));
    }
    return new TaskPlan(
        Identifiers.newId(),
        layerId,
        type,
        name,
        decodeArgs(at + ".args", args),
        pausedAtMillis(at + ".paused_at", pausedAt),
        defaults.retries(retries),
        defaults.timeoutSeconds(timeout),
        flow);
  }

  /**
   * A task's flow: its own {@code urgency} and keys where given, else {@code inherited} (its
   * job's); {@code at} is the fields' path ("" for the job's, "layers[0].tasks[1]." for a task's).
   */
  private static TaskFlow flow(
      String at, Integer urgency, String concurrencyKey, String fairnessKey, TaskFlow inherited) {
    if (urgency != null && (urgency < TaskFlow.MIN_URGENCY || urgency > TaskFlow.MAX_URGENCY)) {
      throw ApiException.badRequest(
          "field '"
              + at
              + "urgency' must be from "
              + TaskFlow.MIN_URGENCY
              + " to "
              + TaskFlow.MAX_URGENCY
              + " (3 by default), got "
              + urgency);
    }
    checkKey(at + "concurrency_key", concurrencyKey);
    checkKey(at + "fairness_key", fairnessKey);
    return new TaskFlow(
        urgency == null ? inherited.urgency() : urgency,
        concurrencyKey == null ? inherited.concurrencyKey() : concurrencyKey,
        fairnessKey == null ? inherited.fairnessKey() : fairnessKey);
  }

  private static void checkKey(String field, String key) {
    if (key == null) {
      return;
    }
    if (key.length() > FlowLimits.MAX_NAME) {
      throw ApiException.badRequest(
          "field '"
              + field
              + "' is "
              + key.length()
              + " characters, over the limit of "
              + FlowLimits.MAX_NAME);
    }
    if (key.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
      throw ApiException.badRequest(
          "field '" + field + "' may not hold spaces or control characters");
    }
  }

  private byte[] decodeArgs(String field, String args) {
    if (args == null || args.isEmpty()) {
      return new byte[0];
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(args);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("field '" + field + "' must be base64: " + e.getMessage());
    }
    if (!Base64.getEncoder().encodeToString(decoded).equals(args)) {
      throw ApiException.badRequest(
          "field '"
              + field
              + "' must be canonical base64 (standard alphabet, padded with '=', unused bits"
              + " zero): it should read "
              + abbreviated(Base64.getEncoder().encodeToString(decoded)));
    }
    if (decoded.length > limits.maxArgsBytes()) {
      throw new ApiException(
          413,
          "field '"
              + field
              + "' is "
              + decoded.length
              + " bytes, over the limit of "
              + limits.maxArgsBytes()
              + " (igor.limits.max-args-bytes)");
    }
    return decoded;
  }

  private void checkName(String field, String name) {
    if (name != null && name.length() > limits.maxNameLength()) {
      throw ApiException.badRequest(
          "field '"
              + field
              + "' is "
              + name.length()
              + " characters, over the limit of "
              + limits.maxNameLength()
              + " (igor.limits.max-name-length)");
    }
  }

  /** A paused_at of the API (unix seconds, 0: not paused) as the job keeps it (ms). */
  private static long pausedAtMillis(String field, Long seconds) {
    if (seconds == null) {
      return 0;
    }
    check(field, PlanBounds.pausedAtProblem(seconds));
    return PlanBounds.pausedAtMillis(seconds);
  }

  private static void check(String field, Optional<String> problem) {
    if (problem.isPresent()) {
      throw ApiException.badRequest("field '" + field + "' " + problem.get());
    }
  }

  private static String abbreviated(String text) {
    return text.length() <= 24 ? "'" + text + "'" : "'" + text.substring(0, 20) + "...'";
  }

  private static ApiException tooMany(String what, int count, int limit, String setting) {
    return new ApiException(
        413,
        count + " " + what + " is over the limit of " + limit + " (igor.limits." + setting + ")");
  }
}
