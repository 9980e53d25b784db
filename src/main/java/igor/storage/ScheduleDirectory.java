package igor.storage;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Which schedules exist: the list of schedules and the check before a schedule is asked. */
public interface ScheduleDirectory {
  /**
   * Records a new schedule unless {@code max} exist already. Answers whether it was recorded (true
   * also when it was recorded before).
   */
  CompletionStage<Boolean> register(String scheduleId, String name, int max);

  /** Forgets a deleted schedule. */
  CompletionStage<Void> remove(String scheduleId);

  /** Whether the id names a schedule. */
  CompletionStage<Boolean> exists(String scheduleId);

  /** The ids of the schedules, oldest first, at most {@code limit}. */
  CompletionStage<List<String>> ids(int limit);
}
