package igor.entity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.util.StdConverter;
import igor.domain.JobEvent;
import igor.domain.JobPlan;
import igor.domain.JobSnapshot;
import igor.domain.JobSummary;
import igor.domain.LayerPlan;
import igor.domain.LayerSnapshot;
import igor.domain.TaskPlan;
import igor.domain.TaskSnapshot;
import java.util.List;

/**
 * The units of the journal, kept forever: a job keeps when something was paused in unix
 * milliseconds ({@code pausedAtMillis}, a whole second), as it keeps every other time, but events,
 * snapshots and messages have always carried it in unix seconds under the name {@code pausedAt}.
 * This module (registered in pekko-serialization.conf) converts at the serializer, so that the
 * persisted form does not change (golden files under src/test/resources/golden).
 */
public final class PersistedUnits extends SimpleModule {
  /** Every record that carries {@code pausedAtMillis}, persisted or sent between nodes. */
  static final List<Class<?>> PAUSABLE =
      List.of(
          JobEvent.JobCreated.class,
          JobEvent.Paused.class,
          JobPlan.class,
          LayerPlan.class,
          TaskPlan.class,
          JobSnapshot.class,
          LayerSnapshot.class,
          TaskSnapshot.class,
          JobSummary.class);

  public PersistedUnits() {
    super("igor-persisted-units");
    PAUSABLE.forEach(type -> setMixInAnnotation(type, PausedAtInSeconds.class));
    TRACED.forEach(type -> setMixInAnnotation(type, PausedAtInSecondsAndTrace.class));
    FLOWING.forEach(type -> setMixInAnnotation(type, PausedAtInSecondsAndFlow.class));
  }

  /**
   * Records that keep a task's flow ({@code flow}: urgency, concurrency and fairness key): written
   * only when it is not the default, so that a task without one is persisted exactly as before flow
   * control existed (and reads back as the default).
   */
  static final List<Class<?>> FLOWING = List.of(TaskPlan.class, TaskSnapshot.class);

  /** As {@link PausedAtInSeconds}, and {@code flow} left out when it is the default. */
  abstract static class PausedAtInSecondsAndFlow {
    @JsonProperty("pausedAt")
    @JsonSerialize(converter = MillisToSeconds.class)
    @JsonDeserialize(converter = SecondsToMillis.class)
    abstract long pausedAtMillis();

    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = DefaultFlow.class)
    abstract igor.domain.TaskFlow flow();
  }

  /** Jackson's filter: true for the value left out (the default flow). */
  static final class DefaultFlow {
    @Override
    public boolean equals(Object value) {
      return value == null || igor.domain.TaskFlow.NONE.equals(value);
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }

  /**
   * Records that keep a job's trace ({@code traceParent}): written only when there is one, so that
   * a job without a trace is persisted exactly as before tracing existed (and reads back as none).
   */
  static final List<Class<?>> TRACED =
      List.of(JobEvent.JobCreated.class, JobSnapshot.class, JobPlan.class);

  /** As {@link PausedAtInSeconds}, and {@code traceParent} left out when empty. */
  abstract static class PausedAtInSecondsAndTrace {
    @JsonProperty("pausedAt")
    @JsonSerialize(converter = MillisToSeconds.class)
    @JsonDeserialize(converter = SecondsToMillis.class)
    abstract long pausedAtMillis();

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    abstract String traceParent();
  }

  /** {@code pausedAtMillis} is written and read as {@code pausedAt}, in seconds. */
  abstract static class PausedAtInSeconds {
    @JsonProperty("pausedAt")
    @JsonSerialize(converter = MillisToSeconds.class)
    @JsonDeserialize(converter = SecondsToMillis.class)
    abstract long pausedAtMillis();
  }

  static final class MillisToSeconds extends StdConverter<Long, Long> {
    @Override
    public Long convert(Long millis) {
      return millis / 1000;
    }
  }

  static final class SecondsToMillis extends StdConverter<Long, Long> {
    @Override
    public Long convert(Long seconds) {
      return seconds * 1000;
    }
  }
}
