package igor.domain;

import java.util.List;
import java.util.NavigableMap;

/**
 * What {@link JobEvolution} applies events to and {@link JobDecider} reads: the real {@link Job},
 * or a {@link JobDraft} over it that copies an object before its first change.
 */
abstract class JobState {

  abstract JobHeader header();

  abstract JobHeader headerForUpdate();

  /** The layer, or null when unknown. */
  abstract Layer layer(String id);

  abstract Layer layerForUpdate(String id);

  /** The task, or null when unknown. */
  abstract Task task(String id);

  abstract Task taskForUpdate(String id);

  /** The task's retry time was just set (by {@link JobEvolution}): the job notes when it is set. */
  void retryAtSet(Task task) {}

  abstract void addLayer(Layer layer);

  abstract void addTask(Task task);

  abstract void addAudit(AuditEntry entry);

  /** Layer ids by priority, ascending; layers of one priority in declaration order. */
  abstract NavigableMap<Integer, List<String>> groups();
}
