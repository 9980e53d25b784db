package igor.entity;

import igor.domain.Job;
import igor.domain.JobEvent;
import igor.entity.JobEntity.Act;
import igor.entity.JobEntity.ActResult;
import igor.entity.JobEntity.AddTasks;
import igor.entity.JobEntity.ApplyReports;
import igor.entity.JobEntity.Create;
import igor.entity.JobEntity.Get;
import igor.entity.JobEntity.GetSummary;
import igor.entity.JobEntity.JobResult;
import igor.entity.JobEntity.Retire;
import igor.entity.JobEntity.Retired;
import igor.entity.JobEntity.SummaryResult;
import igor.entity.JobEntity.TasksResult;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * What an entity that cannot act on its job answers ({@link JobRecovery}): every question at once
 * with why (503), nothing updated by actions, not removable by retention.
 *
 * <p>The one command left unanswered, on purpose, is {@link ApplyReports}: its answer ({@code
 * Done}) acknowledges the reports, which would then be lost. Unanswered, they stay pending in the
 * report stream and a later incarnation that can act applies them (docs/architecture.md, "Reports
 * are acknowledged only after their effects are journaled").
 */
final class UnrecoverableHandler extends InertHandler {
  private final JobRecovery recovery;

  UnrecoverableHandler(EffectFactories<JobEvent, Job> effect, JobRecovery recovery) {
    super(effect);
    this.recovery = recovery;
  }

  @Override
  public ReplyEffect<JobEvent, Job> create(Job job, Create command) {
    return effect.reply(command.replyTo(), JobResult.rejected(recovery.reason()));
  }

  @Override
  public ReplyEffect<JobEvent, Job> addTasks(Job job, AddTasks command) {
    return effect.reply(command.replyTo(), new TasksResult(null, recovery.reason()));
  }

  @Override
  public ReplyEffect<JobEvent, Job> get(Job job, Get command) {
    return effect.reply(command.replyTo(), JobResult.rejected(recovery.reason()));
  }

  @Override
  public ReplyEffect<JobEvent, Job> getSummary(Job job, GetSummary command) {
    return effect.reply(command.replyTo(), new SummaryResult(null, recovery.reason()));
  }

  @Override
  public ReplyEffect<JobEvent, Job> act(Job job, Act command) {
    return effect.reply(command.replyTo(), new ActResult(0));
  }

  @Override
  public ReplyEffect<JobEvent, Job> applyReports(Job job, ApplyReports command) {
    return effect.noReply();
  }

  @Override
  public ReplyEffect<JobEvent, Job> retire(Job job, Retire command) {
    return effect.reply(command.replyTo(), new Retired(-1));
  }
}
