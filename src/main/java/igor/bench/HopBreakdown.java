package igor.bench;

import igor.queue.HopProbe;
import igor.queue.HopProbe.Step;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a chain's hop spends its time: records {@link HopProbe}'s steps of every task while
 * installed, and splits each hop (the outcome of one layer's task in Redis to the next one's) into
 * its steps, each from the step before it. Times are of this JVM's clock, which the node and its
 * in-process worker share.
 */
final class HopBreakdown implements HopProbe.Recorder, AutoCloseable {
  /**
   * A part of a hop: from step {@code from} to step {@code to}, each of the task before ({@code
   * ...OfTaskBefore}) or of the task after it.
   */
  record Part(String name, Step from, boolean fromTaskBefore, Step to, boolean toTaskBefore) {
    Double millis(Map<Step, Long> before, Map<Step, Long> task) {
      Long a = (fromTaskBefore ? before : task).get(from);
      Long b = (toTaskBefore ? before : task).get(to);
      return a == null || b == null ? null : (b - a) / 1e6;
    }
  }

  /** The parts of a hop in order; their sum is the whole hop. */
  static final List<Part> HOP =
      List.of(
          new Part(
              "outcome in Redis -> read by the node",
              Step.OUTCOME_SENT,
              true,
              Step.OUTCOME_READ,
              true),
          new Part(
              "outcome read -> decided by its job",
              Step.OUTCOME_READ,
              true,
              Step.OUTCOME_DECIDED,
              true),
          new Part(
              "outcome decided -> journaled",
              Step.OUTCOME_DECIDED,
              true,
              Step.OUTCOME_JOURNALED,
              true),
          new Part(
              "journaled -> next task pushed", Step.OUTCOME_JOURNALED, true, Step.PUSHED, false),
          new Part("pushed -> popped by the worker", Step.PUSHED, false, Step.POPPED, false),
          new Part(
              "popped -> claimed, started in Redis", Step.POPPED, false, Step.STARTED_SENT, false),
          new Part(
              "started in Redis -> handler done", Step.STARTED_SENT, false, Step.HANDLED, false),
          new Part(
              "handler done -> outcome in Redis", Step.HANDLED, false, Step.OUTCOME_SENT, false));

  static final String WHOLE_HOP = "hop: outcome in Redis -> next outcome in Redis";

  /** The way of the {@code started} report of the task after the hop, beside it. */
  static final List<Part> STARTED =
      List.of(
          new Part(
              "started in Redis -> read by the node",
              Step.STARTED_SENT,
              false,
              Step.STARTED_READ,
              false),
          new Part(
              "started read -> decided", Step.STARTED_READ, false, Step.STARTED_DECIDED, false),
          new Part(
              "started decided -> journaled",
              Step.STARTED_DECIDED,
              false,
              Step.STARTED_JOURNALED,
              false),
          new Part(
              "outcome read -> started journaled",
              Step.OUTCOME_READ,
              false,
              Step.STARTED_JOURNALED,
              false));

  private final Map<String, Map<Step, Long>> times = new ConcurrentHashMap<>();

  HopBreakdown() {
    HopProbe.install(this);
  }

  @Override
  public void record(Step step, String taskId, long nanoTime) {
    // The first time of a step counts (a redelivered task would record it again).
    times
        .computeIfAbsent(taskId, id -> Collections.synchronizedMap(new EnumMap<>(Step.class)))
        .putIfAbsent(step, nanoTime);
  }

  /**
   * Per part (the hop's, the whole hop, then the started report's), its milliseconds in each hop
   * between the tasks recorded, taken in the order they were pushed (a chain: one task per layer).
   * "outcome read -> started journaled" is how long an outcome read waited for its attempt's start
   * to be journaled (negative: the start was journaled before the outcome was read).
   */
  /** Of the tasks recorded, how many had their start and outcome journaled in one write. */
  int startsJournaledWithTheirOutcome() {
    int n = 0;
    for (Map<Step, Long> task : times.values()) {
      Long started = task.get(Step.STARTED_JOURNALED);
      if (started != null && started.equals(task.get(Step.OUTCOME_JOURNALED))) {
        n++;
      }
    }
    return n;
  }

  Map<String, List<Double>> split() {
    List<String> order =
        times.entrySet().stream()
            .filter(e -> e.getValue().containsKey(Step.PUSHED))
            .sorted(java.util.Comparator.comparing(e -> e.getValue().get(Step.PUSHED)))
            .map(Map.Entry::getKey)
            .toList();
    Map<String, List<Double>> parts = new LinkedHashMap<>();
    HOP.forEach(p -> parts.put(p.name(), new ArrayList<>()));
    parts.put(WHOLE_HOP, new ArrayList<>());
    STARTED.forEach(p -> parts.put(p.name(), new ArrayList<>()));
    for (int i = 1; i < order.size(); i++) {
      Map<Step, Long> before = times.get(order.get(i - 1));
      Map<Step, Long> task = times.get(order.get(i));
      if (before == null || task == null) {
        continue;
      }
      double sum = 0;
      int found = 0;
      for (Part p : HOP) {
        Double ms = p.millis(before, task);
        if (ms != null) {
          parts.get(p.name()).add(ms);
          sum += ms;
          found++;
        }
      }
      if (found == HOP.size()) {
        parts.get(WHOLE_HOP).add(sum);
      }
      for (Part p : STARTED) {
        Double ms = p.millis(before, task);
        if (ms != null) {
          parts.get(p.name()).add(ms);
        }
      }
    }
    return parts;
  }

  @Override
  public void close() {
    HopProbe.install(null);
  }
}
