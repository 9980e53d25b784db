package igor.queue.redis;

/** The names of Igor's keys in Redis, all under one prefix (docs/worker-protocol.md). */
public record RedisKeys(String prefix) {
  /** The consumer group of Igor nodes on the report stream. */
  public static final String REPORT_GROUP = "igor";

  public String queue(String taskType) {
    return prefix + ":queue:" + taskType;
  }

  /**
   * Set of the delivery ids pushed onto a type queue and not yet known to be taken: a delivery is
   * pushed only when its id is not in it, so an attempt is in the queues at most once.
   */
  public String queued() {
    return prefix + ":queued";
  }

  public String reports() {
    return prefix + ":reports";
  }

  /**
   * The stream of log lines and progress that workers write and nodes read with the consumer group
   * {@link #REPORT_GROUP} (docs/worker-protocol.md, "Logs and progress").
   */
  public String logs() {
    return prefix + ":logs";
  }

  /** The pub/sub channel on which a node that stored task output hands it to every node's SSE. */
  public String logsLive() {
    return prefix + ":logs-live";
  }

  /** The pub/sub channel on which withdrawn attempts are announced to workers. */
  public String cancellations() {
    return prefix + ":cancel";
  }

  /** Sorted set of attempt leases: member "jobId|taskId|attempt", score = expiry (unix ms). */
  public String leases() {
    return prefix + ":leases";
  }

  /** A random id written once per Redis data set: when it vanishes, the data was lost. */
  public String epoch() {
    return prefix + ":epoch";
  }

  public static String leaseMember(igor.queue.AttemptLease lease) {
    return lease.jobId() + "|" + lease.taskId() + "|" + lease.attempt();
  }

  /** The lease a member of {@link #leases()} stands for, or null when it is not one. */
  static igor.queue.AttemptLease lease(String member) {
    String[] parts = member.split("\\|", -1);
    if (parts.length != 3) {
      return null;
    }
    try {
      return new igor.queue.AttemptLease(parts[0], parts[1], Integer.parseInt(parts[2]));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** List of messages no one could read, newest first, capped (docs/operations.md). */
  public String deadLetters() {
    return prefix + ":dead-letters";
  }

  /**
   * List of the deliveries a taker (one worker process) moved off the type queues and has not
   * claimed yet: the reliable take. Nodes give it back to the queues once the taker's heartbeat
   * ({@link #taker}) lapsed.
   */
  public String inFlight(String taker) {
    return prefix + ":inflight:" + taker;
  }

  /** A taker's heartbeat: a string with a TTL that the taker sets again while it lives. */
  public String taker(String taker) {
    return prefix + ":taker:" + taker;
  }

  /** Set of the takers that may hold an in-flight list: where nodes look for lapsed ones. */
  public String takers() {
    return prefix + ":takers";
  }

  /**
   * A worker's announcement in the registry: a hash with a TTL, named by the worker's taker name
   * (docs/worker-protocol.md, "Registry").
   */
  public String worker(String taker) {
    return prefix + ":worker:" + taker;
  }

  /** Sorted set of the announced workers: member the taker name, score its last-seen (unix ms). */
  public String workers() {
    return prefix + ":workers";
  }

  public String claim(String deliveryId) {
    return prefix + ":claim:" + deliveryId;
  }
}
