package igor.entity;

import igor.domain.Job;
import igor.domain.JobEvent;
import igor.domain.Rejection;
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
import org.apache.pekko.Done;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * What a retired job entity answers ({@link Retire} accepted: retention is removing the job). It
 * changes nothing any more and answers at once, as for an unknown job: "not found" to reads and
 * additions, nothing updated to actions, reports acknowledged and ignored; creating the job again
 * is refused while it is being removed.
 */
final class RetiredHandler extends InertHandler {
  private static final Rejection NOT_FOUND = Rejection.notFound("job not found");

  RetiredHandler(EffectFactories<JobEvent, Job> effect) {
    super(effect);
  }

  @Override
  public ReplyEffect<JobEvent, Job> create(Job job, Create command) {
    return effect.reply(
        command.replyTo(),
        JobResult.rejected(Rejection.conflict("job " + job.id() + " is being removed")));
  }

  @Override
  public ReplyEffect<JobEvent, Job> addTasks(Job job, AddTasks command) {
    return effect.reply(command.replyTo(), new TasksResult(null, NOT_FOUND));
  }

  @Override
  public ReplyEffect<JobEvent, Job> get(Job job, Get command) {
    return effect.reply(command.replyTo(), JobResult.rejected(NOT_FOUND));
  }

  @Override
  public ReplyEffect<JobEvent, Job> getSummary(Job job, GetSummary command) {
    return effect.reply(command.replyTo(), new SummaryResult(null, NOT_FOUND));
  }

  @Override
  public ReplyEffect<JobEvent, Job> act(Job job, Act command) {
    return effect.reply(command.replyTo(), new ActResult(0));
  }

  @Override
  public ReplyEffect<JobEvent, Job> applyReports(Job job, ApplyReports command) {
    return effect.reply(command.replyTo(), Done.getInstance());
  }

  /** Already retired: -1, so that retention does not count the job removable twice. */
  @Override
  public ReplyEffect<JobEvent, Job> retire(Job job, Retire command) {
    return effect.reply(command.replyTo(), new Retired(-1));
  }
}
