package igor.entity;

import igor.domain.JobDecider;
import igor.domain.JobEvent;
import igor.domain.RetryPolicy;
import igor.queue.redis.RedisKeys;
import igor.queue.redis.RedisTaskQueue;
import igor.testing.TestRedis;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/**
 * One job entity under Pekko's persistence test kit, as the entity tests drive it: the real Redis
 * queue under the test's key prefix, quick retries (100 ms doubling to 1 s), no sharding (a
 * passivation does nothing), every message and event serialized as between nodes.
 */
final class JobEntityKits {
  private JobEntityKits() {}

  static EventSourcedBehaviorTestKit<JobEntity.Command, JobEvent, igor.domain.Job> jobEntity(
      ActorTestKit testKit, TestRedis redis, String jobId, EntitySettings settings) {
    JobBehavior.Dependencies deps =
        new JobBehavior.Dependencies(
            new RedisTaskQueue(
                redis.client(), new RedisKeys(redis.prefix()), Duration.ofMinutes(5)),
            new JobDecider(new RetryPolicy(100, 1000)),
            settings,
            System::currentTimeMillis);
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        JobBehavior.create(jobId, deps, self -> {}),
        EventSourcedBehaviorTestKit.enabledSerializationSettings()
            .withVerifyState(false)
            .withVerifyEquality(false));
  }
}
