package igor.domain;

/** Object references as a client sends them in an action: without etag, or with one. */
final class Refs {
  private Refs() {}

  static ObjectRef jobRef(String id) {
    return new ObjectRef(ObjectKind.JOB, id, "");
  }

  static ObjectRef jobRef(String id, String etag) {
    return new ObjectRef(ObjectKind.JOB, id, etag);
  }

  static ObjectRef layerRef(String id) {
    return new ObjectRef(ObjectKind.LAYER, id, "");
  }

  static ObjectRef layerRef(String id, String etag) {
    return new ObjectRef(ObjectKind.LAYER, id, etag);
  }

  static ObjectRef taskRef(String id) {
    return new ObjectRef(ObjectKind.TASK, id, "");
  }

  static ObjectRef taskRef(String id, String etag) {
    return new ObjectRef(ObjectKind.TASK, id, etag);
  }
}
