package igor.service;

import static org.assertj.core.api.Assertions.assertThat;

import igor.config.IgorSettings;
import igor.entity.JobTags;
import igor.storage.ObjectDirectory;
import igor.storage.ProjectionProgress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The wait of a read filtered by ids, against a journal and projection whose positions the test
 * sets: it ends when the slice's offset passes the named jobs' last events, answers at once for
 * unknown ids, and gives up after its bound. (Over real HTTP and PostgreSQL: ReadAfterWriteTest.)
 */
class ReadYourWritesTest {
  private static final String JOB = "00000000-0000-4000-8000-000000000001";
  private static final String LAYER = "00000000-0000-4000-8000-000000000002";
  private static final String OTHER_JOB = "00000000-0000-4000-8000-000000000003";
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A journal of set positions, and a projection at set offsets. */
  private static final class Positions implements ProjectionProgress {
    final Map<String, Long> lastOfJobs = new ConcurrentHashMap<>();
    final Map<String, Long> applied = new ConcurrentHashMap<>();
    final AtomicInteger tagQueries = new AtomicInteger();
    final AtomicInteger polls = new AtomicInteger();

    @Override
    public CompletionStage<Map<String, Long>> lastEventOfJobs(Collection<String> jobIds) {
      Map<String, Long> answer = new HashMap<>();
      jobIds.stream()
          .filter(lastOfJobs::containsKey)
          .forEach(j -> answer.put(j, lastOfJobs.get(j)));
      return CompletableFuture.completedFuture(answer);
    }

    @Override
    public CompletionStage<Map<String, Long>> lastEventOfTags(Collection<String> tags) {
      tagQueries.incrementAndGet();
      Map<String, Long> answer = new HashMap<>();
      for (String tag : tags) {
        lastOfJobs.entrySet().stream()
            .filter(e -> JobTags.of(e.getKey()).equals(tag))
            .mapToLong(Map.Entry::getValue)
            .max()
            .ifPresent(max -> answer.put(tag, max));
      }
      return CompletableFuture.completedFuture(answer);
    }

    @Override
    public CompletionStage<Map<String, Long>> appliedOfTags(Collection<String> tags) {
      polls.incrementAndGet();
      return CompletableFuture.completedFuture(Map.copyOf(applied));
    }
  }

  private static final ObjectDirectory DIRECTORY =
      new ObjectDirectory() {
        @Override
        public CompletionStage<Void> register(
            String jobId, Collection<String> layerIds, Collection<String> taskIds) {
          throw new UnsupportedOperationException("reads never register");
        }

        @Override
        public CompletionStage<java.util.Set<String>> knownJobs(Collection<String> jobIds) {
          return CompletableFuture.completedFuture(
              jobIds.contains(JOB) ? java.util.Set.of(JOB) : java.util.Set.of());
        }

        @Override
        public CompletionStage<Map<String, String>> jobsOfLayers(Collection<String> layerIds) {
          return CompletableFuture.completedFuture(
              layerIds.contains(LAYER) ? Map.of(LAYER, JOB) : Map.of());
        }

        @Override
        public CompletionStage<Map<String, String>> jobsOfTasks(Collection<String> taskIds) {
          return CompletableFuture.completedFuture(Map.of());
        }
      };

  private static ReadYourWrites reads(Positions positions, Duration wait, int maxJobs) {
    return new ReadYourWrites(
        testKit.system(),
        DIRECTORY,
        positions,
        new IgorSettings.Reads(wait, Duration.ofMillis(10), maxJobs));
  }

  @Test
  void aReadByLayerWaitsUntilTheProjectionPassesItsJobsLastEvent() throws Exception {
    Positions positions = new Positions();
    positions.lastOfJobs.put(JOB, 42L);
    positions.applied.put(JobTags.of(JOB), 41L);

    CompletableFuture<Void> read =
        reads(positions, Duration.ofSeconds(10), 100)
            .awaitWrites(List.of(), List.of(LAYER), List.of())
            .toCompletableFuture();
    Thread.sleep(100);
    assertThat(read).isNotDone();
    positions.applied.put(JobTags.of(JOB), 42L);

    read.get(5, TimeUnit.SECONDS);
    assertThat(positions.polls.get()).isGreaterThan(1);
  }

  @Test
  void unknownIdsAndJobsWithoutEventsWaitForNothing() throws Exception {
    Positions positions = new Positions();
    ReadYourWrites reads = reads(positions, Duration.ofSeconds(10), 100);

    reads
        .awaitWrites(List.of(OTHER_JOB), List.of(OTHER_JOB), List.of(OTHER_JOB))
        .toCompletableFuture()
        .get(1, TimeUnit.SECONDS);
    reads
        .awaitWrites(List.of(), List.of(), List.of())
        .toCompletableFuture()
        .get(1, TimeUnit.SECONDS);
    assertThat(positions.polls.get()).isZero();
  }

  @Test
  void aReadStillBehindWhenItsWaitRunsOutIsRefusedNamingTheSetting() {
    Positions positions = new Positions();
    positions.lastOfJobs.put(JOB, 7L);

    CompletableFuture<Void> read =
        reads(positions, Duration.ofMillis(200), 100)
            .awaitWrites(List.of(JOB), List.of(), List.of())
            .toCompletableFuture();

    assertThat(read)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(ReadModelBehindException.class)
        .withMessageContaining("igor.reads.wait-for-writes");
  }

  @Test
  void aReadOfMoreJobsThanTheBoundWaitsForTheirSlicesWholeJournal() throws Exception {
    Positions positions = new Positions();
    positions.lastOfJobs.put(JOB, 5L);
    positions.lastOfJobs.put(OTHER_JOB, 9L);
    positions.applied.put(JobTags.of(JOB), 100L);
    positions.applied.put(JobTags.of(OTHER_JOB), 100L);

    reads(positions, Duration.ofSeconds(10), 1)
        .awaitWrites(List.of(JOB, OTHER_JOB), List.of(), List.of())
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);

    assertThat(positions.tagQueries.get()).isEqualTo(1);
  }

  @Test
  void noWaitIsMadeWhenTheWaitIsOff() throws Exception {
    Positions positions = new Positions();
    positions.lastOfJobs.put(JOB, 7L);

    reads(positions, Duration.ZERO, 100)
        .awaitWrites(List.of(JOB), List.of(), List.of())
        .toCompletableFuture()
        .get(1, TimeUnit.SECONDS);
    assertThat(positions.polls.get()).isZero();
  }
}
