package igor.queue;

/**
 * Notice that the queue lost its data (Redis restarted empty): every job must hand out its QUEUED
 * attempts again and watch its RUNNING ones. Published on each node's event stream.
 */
public record QueueDataLost(long noticedAt) {}
