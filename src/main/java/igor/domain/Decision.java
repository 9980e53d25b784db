package igor.domain;

import java.util.List;

/** The outcome of deciding a command: the events to persist, or a rejection with its reason. */
public sealed interface Decision {

  record Accepted(List<JobEvent> events) implements Decision {
    public Accepted {
      events = List.copyOf(events);
    }
  }

  record Rejected(Rejection rejection) implements Decision {}

  static Accepted accept(List<JobEvent> events) {
    return new Accepted(events);
  }

  static Decision reject(Rejection rejection) {
    return new Rejected(rejection);
  }
}
