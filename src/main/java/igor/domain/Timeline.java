package igor.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job's attempts on a time axis, read from its events in journal order: when each attempt was
 * queued, started and ended, and how it ended, with a summary per layer of where the time went
 * (waiting in the queue or running). The journal already holds every attempt, retries included, so
 * nothing is stored for this: it is folded from the events when asked ({@link Builder}). What each
 * event does is read from {@link Transitions}; the attempt numbers follow {@link JobEvolution} (a
 * task's attempt count grows by one each time it is queued).
 *
 * @param jobId the job
 * @param name the job's name
 * @param layers the job's layers in run order (ascending priority, then as declared)
 * @param attempts every attempt, in the order they were queued
 * @param now the time the timeline was read (unix millis): attempts still in flight run up to it
 */
public record Timeline(
    String jobId, String name, List<LayerLine> layers, List<Attempt> attempts, long now) {

  public Timeline {
    layers = List.copyOf(layers);
    attempts = List.copyOf(attempts);
  }

  /** How an attempt ended; an attempt still queued or running has none yet. */
  public enum Outcome {
    COMPLETED,
    FAILED,
    TIMED_OUT,
    KILLED,
    SKIPPED,
    /** Taken back (paused while queued, given back by its worker): it does not count. */
    WITHDRAWN
  }

  /**
   * One attempt of one task. Times in unix millis, 0 when it did not happen (yet).
   *
   * @param outcome null while the attempt is queued or running
   */
  public record Attempt(
      String taskId,
      String layerId,
      int attempt,
      long queuedAt,
      long startedAt,
      long endedAt,
      Outcome outcome) {

    /** How long the attempt waited in the queue: until it started, ended, or until {@code now}. */
    public long queueWait(long now) {
      long until = startedAt > 0 ? startedAt : endedAt > 0 ? endedAt : now;
      return Math.max(0, until - queuedAt);
    }

    /** How long it ran: from its start until it ended or {@code now}; 0 if it never started. */
    public long runTime(long now) {
      if (startedAt == 0) {
        return 0;
      }
      return Math.max(0, (endedAt > 0 ? endedAt : now) - startedAt);
    }
  }

  /**
   * A layer with the summary of its attempts. Durations in millis; percentiles by nearest rank,
   * over the attempts that waited (all) and that ran (those that started); 0 when there are none.
   */
  public record LayerLine(
      String layerId,
      String name,
      int priority,
      long startedAt,
      int tasks,
      int attempts,
      long queueWaitTotal,
      long runTotal,
      long queueWaitP50,
      long queueWaitP95,
      long runP50,
      long runP95) {}

  /** Thrown by {@link Builder#add} when the job has more attempts than the builder may hold. */
  public static final class TooManyAttempts extends RuntimeException {
    private final int limit;

    TooManyAttempts(int limit) {
      super("the job has more than " + limit + " attempts", null, false, false);
      this.limit = limit;
    }

    public int limit() {
      return limit;
    }
  }

  /** Folds a job's events, oldest first, into its timeline. Not thread-safe. */
  public static final class Builder {
    private final String jobId;
    private final int maxAttempts;
    private String name = "";
    private final Map<String, LayerPlan> layers = new LinkedHashMap<>();
    private final Map<String, Long> layerStarts = new HashMap<>();
    private final Map<String, String> layerOfTask = new HashMap<>();
    private final Map<String, Integer> attemptsOfTask = new HashMap<>();

    /** The row of each task's latest attempt, while it is open or after. */
    private final Map<String, Integer> latestRow = new HashMap<>();

    private final List<Attempt> rows = new ArrayList<>();

    /**
     * A builder of the job's timeline refusing ({@link TooManyAttempts}) over {@code maxAttempts}.
     */
    public Builder(String jobId, int maxAttempts) {
      this.jobId = jobId;
      if (maxAttempts < 0) {
        throw new IllegalArgumentException("maxAttempts must be at least 0");
      }
      this.maxAttempts = maxAttempts;
    }

    /** Reads the next event of the job. */
    public Builder add(JobEvent event) {
      if (event instanceof JobEvent.JobCreated created) {
        name = created.name() == null ? "" : created.name();
        created.layers().forEach(l -> layers.put(l.layerId(), l));
        return this;
      }
      if (event instanceof JobEvent.TasksAdded added) {
        added.tasks().forEach(t -> layerOfTask.put(t.taskId(), t.layerId()));
        return this;
      }
      if (event instanceof JobEvent.LayersStarted started) {
        started.layerIds().forEach(id -> layerStarts.putIfAbsent(id, started.at()));
        return this;
      }
      for (TaskTransition change : Transitions.of(event).tasks()) {
        apply(change, event.at());
      }
      return this;
    }

    private void apply(TaskTransition change, long at) {
      String taskId = change.taskId();
      switch (change.step()) {
        case ADDED -> {}
        case QUEUED -> {
          if (rows.size() >= maxAttempts) {
            throw new TooManyAttempts(maxAttempts);
          }
          int attempt = attemptsOfTask.merge(taskId, 1, Integer::sum);
          latestRow.put(taskId, rows.size());
          rows.add(
              new Attempt(taskId, layerOfTask.getOrDefault(taskId, ""), attempt, at, 0, 0, null));
        }
        case STARTED -> {
          Integer row = openRow(taskId, change.attempt());
          if (row != null) {
            Attempt a = rows.get(row);
            rows.set(
                row, new Attempt(a.taskId(), a.layerId(), a.attempt(), a.queuedAt(), at, 0, null));
          }
        }
        case COMPLETED, FAILED, TIMED_OUT, KILLED, SKIPPED, WITHDRAWN -> {
          // an attempt named by the event, or (a skip while no attempt was in flight) none
          Integer row = openRow(taskId, change.attempt());
          if (row != null) {
            Attempt a = rows.get(row);
            rows.set(
                row,
                new Attempt(
                    a.taskId(),
                    a.layerId(),
                    a.attempt(),
                    a.queuedAt(),
                    a.startedAt(),
                    at,
                    outcome(change.step())));
          }
        }
        case RESET -> {
          // a retry by a person ends nothing of its own: the kill before it did
        }
      }
    }

    /**
     * The row of the task's latest attempt if it is still open (and is {@code attempt}, if any).
     */
    private Integer openRow(String taskId, int attempt) {
      Integer row = latestRow.get(taskId);
      if (row == null) {
        return null;
      }
      Attempt a = rows.get(row);
      if (a.outcome() != null || (attempt != 0 && a.attempt() != attempt)) {
        return null;
      }
      return row;
    }

    private static Outcome outcome(TaskTransition.Step step) {
      return switch (step) {
        case COMPLETED -> Outcome.COMPLETED;
        case FAILED -> Outcome.FAILED;
        case TIMED_OUT -> Outcome.TIMED_OUT;
        case KILLED -> Outcome.KILLED;
        case SKIPPED -> Outcome.SKIPPED;
        case WITHDRAWN -> Outcome.WITHDRAWN;
        case ADDED, QUEUED, STARTED, RESET -> throw new IllegalArgumentException(step.name());
      };
    }

    /**
     * The timeline of the events read so far, with attempts in flight running up to {@code now}.
     */
    public Timeline build(long now) {
      List<LayerPlan> ordered = new ArrayList<>(layers.values());
      // stable: layers of equal priority keep the order they were declared in
      ordered.sort((a, b) -> Integer.compare(a.priority(), b.priority()));
      Map<String, List<Attempt>> byLayer = new HashMap<>();
      for (Attempt a : rows) {
        byLayer.computeIfAbsent(a.layerId(), id -> new ArrayList<>()).add(a);
      }
      Map<String, Integer> tasksByLayer = new HashMap<>();
      layerOfTask.values().forEach(l -> tasksByLayer.merge(l, 1, Integer::sum));
      List<LayerLine> lines = new ArrayList<>(ordered.size());
      for (LayerPlan l : ordered) {
        lines.add(
            line(
                l,
                layerStarts.getOrDefault(l.layerId(), 0L),
                tasksByLayer.getOrDefault(l.layerId(), 0),
                byLayer.getOrDefault(l.layerId(), List.of()),
                now));
      }
      return new Timeline(jobId, name, lines, rows, now);
    }

    private static LayerLine line(
        LayerPlan layer, long startedAt, int tasks, List<Attempt> attempts, long now) {
      long[] waits = new long[attempts.size()];
      long[] runs = new long[attempts.size()];
      int ran = 0;
      long waitTotal = 0;
      long runTotal = 0;
      for (int i = 0; i < attempts.size(); i++) {
        Attempt a = attempts.get(i);
        waits[i] = a.queueWait(now);
        waitTotal += waits[i];
        if (a.startedAt() > 0) {
          runs[ran] = a.runTime(now);
          runTotal += runs[ran];
          ran++;
        }
      }
      Arrays.sort(waits);
      long[] started = Arrays.copyOf(runs, ran);
      Arrays.sort(started);
      return new LayerLine(
          layer.layerId(),
          layer.name(),
          layer.priority(),
          startedAt,
          tasks,
          attempts.size(),
          waitTotal,
          runTotal,
          percentile(waits, 50),
          percentile(waits, 95),
          percentile(started, 50),
          percentile(started, 95));
    }
  }

  /** The nearest-rank percentile of sorted values; 0 for none. */
  static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }
}
