package igor.storage;

import igor.domain.TaskOutput;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where the log lines and progress of attempts live (docs/adr/0014-task-output.md): beside the read
 * model, not in the job's journal. Each attempt keeps its newest lines up to a bound; the rest are
 * dropped and counted.
 */
public interface TaskOutputStore {

  /**
   * Keeps these entries, in order, and answers those kept: an entry whose task is not known (never
   * created, or its job removed), or whose job id is not its task's, is dropped.
   */
  CompletionStage<List<TaskOutput.Entry>> store(List<TaskOutput.Entry> entries);

  /**
   * The output of a task: every attempt that sent any (or only {@code attempt} when not null), each
   * with its lines numbered above {@code after}, at most {@code limit} of them. Empty when the task
   * is not known.
   */
  CompletionStage<java.util.Optional<Logs>> read(
      String taskId, Integer attempt, long after, int limit);

  /** A task's output. */
  record Logs(String taskId, String jobId, List<AttemptLogs> attempts) {}

  /**
   * One attempt's output: its latest progress (null when none came), lines sent, lines dropped (the
   * oldest, beyond the bound), a page of lines, and whether lines after the page exist.
   */
  record AttemptLogs(
      int attempt, Double progress, long sent, long dropped, List<Line> lines, boolean more) {}

  /** A line kept: its number in its attempt (from 1), when (unix ms), level and text. */
  record Line(long seq, long at, String level, String line) {}
}
