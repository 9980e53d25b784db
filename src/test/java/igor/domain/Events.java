package igor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Reading decided events in tests. */
final class Events {
  private Events() {}

  /** The classes of the events, in order: what a test compares with the expected kinds. */
  static List<Class<?>> types(List<JobEvent> events) {
    return events.stream().<Class<?>>map(Object::getClass).toList();
  }

  /** The events of one type, in order. */
  static <T extends JobEvent> List<T> all(List<JobEvent> events, Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The one event of this type; fails when there is none or more than one. */
  static <T extends JobEvent> T only(List<JobEvent> events, Class<T> type) {
    List<T> found = all(events, type);
    assertThat(found).as("events of type %s in %s", type.getSimpleName(), events).hasSize(1);
    return found.get(0);
  }
}
