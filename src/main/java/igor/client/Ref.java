package igor.client;

import java.util.Locale;
import java.util.Objects;

/**
 * An object named by an action. Without an etag the action applies to whatever is current; with
 * one, only if the object has not changed since (a stale ref is passed over and not counted).
 *
 * @param kind what it is
 * @param id its id
 * @param etag the version it must still be at, or "" for any
 */
public record Ref(Kind kind, String id, String etag) {

  /** The kinds of object an action can name. */
  public enum Kind {
    /** A job. */
    JOB,
    /** A layer. */
    LAYER,
    /** A task. */
    TASK;

    /** "Job", "Layer" or "Task", as the API spells it. */
    public String wireName() {
      String name = name();
      return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
    }

    /** The kind of a case-insensitive name ("job", "Layer", "TASK"), or null if none. */
    public static Kind parse(String text) {
      for (Kind k : values()) {
        if (k.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
          return k;
        }
      }
      return null;
    }
  }

  /** Checks kind and id; a null etag means "any". */
  public Ref {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    etag = etag == null ? "" : etag;
  }

  /** The job of this id, whatever its version. */
  public static Ref job(String id) {
    return new Ref(Kind.JOB, id, "");
  }

  /** The layer of this id, whatever its version. */
  public static Ref layer(String id) {
    return new Ref(Kind.LAYER, id, "");
  }

  /** The task of this id, whatever its version. */
  public static Ref task(String id) {
    return new Ref(Kind.TASK, id, "");
  }

  /** The job only as it was when read (its etag). */
  public static Ref of(Job job) {
    return new Ref(Kind.JOB, job.id(), job.etag());
  }

  /** The layer only as it was when read (its etag). */
  public static Ref of(Layer layer) {
    return new Ref(Kind.LAYER, layer.id(), layer.etag());
  }

  /** The task only as it was when read (its etag). */
  public static Ref of(Task task) {
    return new Ref(Kind.TASK, task.id(), task.etag());
  }

  /** This ref, only if the object is still at this etag. */
  public Ref withEtag(String etag) {
    return new Ref(kind, id, etag);
  }
}
