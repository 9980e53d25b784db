package igor.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import igor.domain.WorkerReport;
import igor.queue.WorkerChannel;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Outcomes go out as a group commit: one send at a time, each with every outcome handed over while
 * the previous one was under way, none held back waiting for company; a handler waits until its
 * outcome is through, however long Redis is away, and is let go only once the worker stops.
 */
class OutcomeSenderTest {
  private static final String JOB = "00000000-0000-4000-8000-00000000000a";
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private OutcomeSender sender;

  @AfterEach
  void stop() {
    handlers.shutdownNow();
    if (sender != null) {
      sender.close();
    }
  }

  /** A channel whose finishAll does what {@code finish} says; every other call is unexpected. */
  private interface FinishAll {
    void finish(List<WorkerReport> outcomes) throws Exception;
  }

  private static WorkerChannel channel(FinishAll finish) {
    return (WorkerChannel)
        Proxy.newProxyInstance(
            WorkerChannel.class.getClassLoader(),
            new Class<?>[] {WorkerChannel.class},
            (proxy, method, args) -> {
              if (method.getName().equals("finishAll")) {
                @SuppressWarnings("unchecked")
                List<WorkerReport> outcomes = (List<WorkerReport>) args[0];
                finish.finish(List.copyOf(outcomes));
                return null;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  private static WorkerReport outcome(int task) {
    return new WorkerReport(
        WorkerReport.Kind.COMPLETED,
        JOB,
        String.format("00000000-0000-4000-8000-%012d", task),
        1,
        "w",
        "",
        null,
        true,
        1L);
  }

  @Test
  void outcomesHandedOverWhileASendIsUnderWayGoTogetherInTheNextRoundTrip() throws Exception {
    List<List<WorkerReport>> roundTrips = new CopyOnWriteArrayList<>();
    CountDownLatch firstUnderWay = new CountDownLatch(1);
    CountDownLatch redisAnswers = new CountDownLatch(1);
    sender =
        new OutcomeSender(
                channel(
                    outcomes -> {
                      roundTrips.add(outcomes);
                      firstUnderWay.countDown();
                      redisAnswers.await(30, TimeUnit.SECONDS);
                    }),
                () -> true)
            .start();

    Future<?> alone = handlers.submit(() -> sender.send(List.of(outcome(1))));
    assertThat(firstUnderWay.await(10, TimeUnit.SECONDS)).as("sent at once, alone").isTrue();
    List<Future<?>> together = new java.util.ArrayList<>();
    for (int task = 2; task <= 4; task++) {
      int t = task;
      together.add(handlers.submit(() -> sender.send(List.of(outcome(t)))));
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (sender.waiting() < 3 && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    assertThat(sender.waiting()).isEqualTo(3);
    assertThatThrownBy(() -> alone.get(200, TimeUnit.MILLISECONDS))
        .as("a handler waits until its outcome is through")
        .isInstanceOf(TimeoutException.class);
    redisAnswers.countDown();
    alone.get(10, TimeUnit.SECONDS);
    for (Future<?> f : together) {
      f.get(10, TimeUnit.SECONDS);
    }

    assertThat(roundTrips).hasSize(2);
    assertThat(roundTrips.get(0)).containsExactly(outcome(1));
    assertThat(roundTrips.get(1)).containsExactlyInAnyOrder(outcome(2), outcome(3), outcome(4));
  }

  @Test
  void theOutcomesOfABatchGoInOneRoundTripInTheirOrder() throws Exception {
    List<List<WorkerReport>> roundTrips = new CopyOnWriteArrayList<>();
    sender = new OutcomeSender(channel(roundTrips::add), () -> true).start();

    sender.send(List.of(outcome(1), outcome(2), outcome(3)));

    assertThat(roundTrips).containsExactly(List.of(outcome(1), outcome(2), outcome(3)));
  }

  @Test
  void anOutcomeWaitsForRedisAndIsSentOnceItIsBack() throws Exception {
    AtomicBoolean redisUp = new AtomicBoolean(false);
    AtomicInteger tries = new AtomicInteger();
    List<List<WorkerReport>> through = new CopyOnWriteArrayList<>();
    sender =
        new OutcomeSender(
                channel(
                    outcomes -> {
                      tries.incrementAndGet();
                      if (!redisUp.get()) {
                        throw new IllegalStateException("Redis is down");
                      }
                      through.add(outcomes);
                    }),
                () -> true)
            .start();

    Future<?> handler = handlers.submit(() -> sender.send(List.of(outcome(1))));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (tries.get() < 2 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(tries.get()).as("tried again while Redis is down").isGreaterThanOrEqualTo(2);
    assertThat(handler.isDone()).as("the handler still waits").isFalse();
    redisUp.set(true);
    handler.get(10, TimeUnit.SECONDS);

    assertThat(through).containsExactly(List.of(outcome(1)));
  }

  @Test
  void anOutcomeIsGivenUpOnlyOnceTheWorkerStops() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger tries = new AtomicInteger();
    sender =
        new OutcomeSender(
                channel(
                    outcomes -> {
                      tries.incrementAndGet();
                      throw new IllegalStateException("Redis is down");
                    }),
                running::get)
            .start();

    Future<?> handler = handlers.submit(() -> sender.send(List.of(outcome(1))));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (tries.get() < 2 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(handler.isDone()).as("not given up while the worker runs").isFalse();
    running.set(false);

    assertThatThrownBy(() -> handler.get(10, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(IllegalStateException.class)
        .hasRootCauseMessage("Redis is down");
  }
}
