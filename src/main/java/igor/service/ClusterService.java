package igor.service;

import igor.config.IgorSettings;
import igor.entity.JobEntity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * What a node can tell about itself and its cluster: whether it is ready to serve (a member that is
 * Up, with the journal's database and Redis answering), and the members with their roles and how
 * many jobs each holds in memory.
 */
public final class ClusterService {
  /** A dependency that must answer for the node to be ready. */
  public record Check(String name, Supplier<CompletionStage<Boolean>> probe) {}

  /** {@code checks}: each check's name, and "ok" or what is wrong. */
  public record Readiness(boolean ready, Map<String, String> checks) {}

  /** A member; {@code jobs} is null when its shards did not answer in time. */
  public record MemberView(
      String address, String status, List<String> roles, Integer jobs, boolean self) {}

  private static final String OK = "ok";

  private final ActorSystem<?> system;
  private final List<Check> checks;
  private final Duration timeout;
  private final Executor executor;

  public ClusterService(ActorSystem<?> system, List<Check> checks, Duration timeout) {
    this.system = system;
    this.checks = List.copyOf(checks);
    this.timeout = timeout;
    this.executor = system.executionContext();
  }

  public CompletionStage<Readiness> readiness() {
    MemberStatus status = Cluster.get(system).selfMember().status();
    Map<String, CompletableFuture<String>> answers = new LinkedHashMap<>();
    answers.put(
        "member",
        CompletableFuture.completedFuture(
            status.equals(MemberStatus.up()) ? OK : "member is " + status + ", not Up"));
    for (Check check : checks) {
      answers.put(check.name(), probe(check));
    }
    return CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new))
        .thenApplyAsync(
            all -> {
              Map<String, String> results = new LinkedHashMap<>();
              answers.forEach((name, answer) -> results.put(name, answer.join()));
              return new Readiness(results.values().stream().allMatch(OK::equals), results);
            },
            executor);
  }

  private CompletableFuture<String> probe(Check check) {
    CompletableFuture<Boolean> answer;
    try {
      answer = check.probe().get().toCompletableFuture();
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer
        .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .handleAsync(
            (ok, failure) -> {
              if (failure != null) {
                return failure instanceof java.util.concurrent.TimeoutException
                        || failure.getCause() instanceof java.util.concurrent.TimeoutException
                    ? "no answer within " + timeout.toMillis() + " ms"
                    : "failed: " + failure;
              }
              return ok ? OK : "not reachable";
            },
            executor);
  }

  /** The members as this node sees them, oldest first, with the jobs each holds. */
  public CompletionStage<List<MemberView>> members() {
    return AskPattern.<ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetClusterShardingStats(JobEntity.ENTITY_KEY, timeout, replyTo),
            timeout.plusSeconds(1),
            system.scheduler())
        .handleAsync(
            (stats, failure) -> {
              Map<Address, Integer> jobs = new LinkedHashMap<>();
              if (stats != null) {
                stats
                    .getRegions()
                    .forEach(
                        (address, region) ->
                            jobs.put(
                                address,
                                region.getStats().values().stream()
                                    .mapToInt(n -> ((Number) n).intValue())
                                    .sum()));
              }
              return views(jobs);
            },
            executor);
  }

  private List<MemberView> views(Map<Address, Integer> jobs) {
    Cluster cluster = Cluster.get(system);
    Address self = cluster.selfMember().address();
    List<MemberView> views = new ArrayList<>();
    for (Member m : cluster.state().getMembers()) {
      List<String> roles =
          m.getRoles().stream().filter(r -> !r.startsWith("dc-")).sorted().toList();
      views.add(
          new MemberView(
              m.address().toString(),
              m.status().toString(),
              roles,
              jobs.containsKey(m.address())
                  ? jobs.get(m.address())
                  : (roles.contains(IgorSettings.Node.JOBS) ? null : 0),
              m.address().equals(self)));
    }
    return views;
  }
}
