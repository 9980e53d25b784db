package igor.domain;

/**
 * An object named by an action, with the etag the caller last saw ("" for "whatever is current").
 */
public record ObjectRef(ObjectKind kind, String id, String etag) {

  public ObjectRef {
    etag = etag == null ? "" : etag;
  }
}
