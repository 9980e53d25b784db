package igor.entity;

import igor.domain.Job;
import igor.domain.JobEvent;
import igor.entity.JobEntity.Delivered;
import igor.entity.JobEntity.DeliveryFailed;
import igor.entity.JobEntity.Idle;
import igor.entity.JobEntity.QueueLost;
import igor.entity.JobEntity.Reconcile;
import igor.entity.JobEntity.Redeliver;
import igor.entity.JobEntity.Redelivered;
import igor.entity.JobEntity.Wake;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A state in which the entity no longer acts on its job ({@link RetiredHandler}, {@link
 * UnrecoverableHandler}): its own messages (timers, the queue's notices, hand-over results) are
 * dropped, as no one waits for their answer. Each such state answers the commands of others itself;
 * being abstract, this class does not make them answer a new command: the compiler asks each of
 * them.
 */
abstract class InertHandler implements JobEntity.Handler<Job, ReplyEffect<JobEvent, Job>> {
  protected final EffectFactories<JobEvent, Job> effect;

  InertHandler(EffectFactories<JobEvent, Job> effect) {
    this.effect = effect;
  }

  @Override
  public final ReplyEffect<JobEvent, Job> wake(Job job, Wake command) {
    return effect.noReply();
  }

  @Override
  public final ReplyEffect<JobEvent, Job> queueLost(Job job, QueueLost command) {
    return effect.noReply();
  }

  @Override
  public final ReplyEffect<JobEvent, Job> redeliver(Job job, Redeliver command) {
    return effect.noReply();
  }

  @Override
  public final ReplyEffect<JobEvent, Job> reconcile(Job job, Reconcile command) {
    return effect.noReply();
  }

  @Override
  public final ReplyEffect<JobEvent, Job> redelivered(Job job, Redelivered command) {
    return effect.noReply();
  }

  @Override
  public final ReplyEffect<JobEvent, Job> deliveryFailed(Job job, DeliveryFailed command) {
    return effect.noReply();
  }

  @Override
  public final ReplyEffect<JobEvent, Job> delivered(Job job, Delivered command) {
    return effect.noReply();
  }

  @Override
  public final ReplyEffect<JobEvent, Job> idle(Job job, Idle command) {
    return effect.noReply();
  }
}
