package igor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Reading decided events in tests. */
final class Events {
  private Events() {}

  /**
   * The classes of the events, in order: what a test compares with the expected kinds. A batch of
   * reports ({@link JobEvent.AttemptsReported}) counts as the events it stands for, in their order
   * ({@link JobEvent.AttemptsReported#each}): these tests check what reports do to a job; how they
   * are journaled (one event per batch) is checked by ReportBatchesTest.
   */
  static List<Class<?>> types(List<JobEvent> events) {
    return perReport(events).stream().<Class<?>>map(Object::getClass).toList();
  }

  /** The events of one type, in order (a batch of reports read as the events it stands for). */
  static <T extends JobEvent> List<T> all(List<JobEvent> events, Class<T> type) {
    return perReport(events).stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The events, with each batch of reports replaced by the events it stands for. */
  static List<JobEvent> perReport(List<JobEvent> events) {
    return events.stream()
        .flatMap(
            e ->
                e instanceof JobEvent.AttemptsReported batch
                    ? batch.each().stream()
                    : java.util.stream.Stream.of(e))
        .toList();
  }

  /** The one event of this type; fails when there is none or more than one. */
  static <T extends JobEvent> T only(List<JobEvent> events, Class<T> type) {
    List<T> found = all(events, type);
    assertThat(found).as("events of type %s in %s", type.getSimpleName(), events).hasSize(1);
    return found.get(0);
  }
}
