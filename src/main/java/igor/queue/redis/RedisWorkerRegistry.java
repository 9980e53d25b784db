package igor.queue.redis;

import igor.queue.WorkerRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** The registry read in one script: the announced workers and the takers that did not announce. */
final class RedisWorkerRegistry implements WorkerRegistry {
  private final RedissonClient redis;
  private final RedisKeys keys;

  RedisWorkerRegistry(RedissonClient redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  @Override
  public CompletionStage<Workers> workers(int max) {
    return redis
        .getScript(StringCodec.INSTANCE)
        .<List<Object>>evalAsync(
            RScript.Mode.READ_WRITE,
            RegistryScripts.READ,
            RScript.ReturnType.LIST,
            List.of(keys.workers(), keys.takers()),
            keys.prefix(),
            String.valueOf(Math.max(0, max)))
        .thenApply(RedisWorkerRegistry::workers);
  }

  static Workers workers(List<Object> answer) {
    long now = Long.parseLong(String.valueOf(answer.get(0)));
    int total = Integer.parseInt(String.valueOf(answer.get(1)));
    List<WorkerRecord> workers = new ArrayList<>();
    List<String> unannounced = new ArrayList<>();
    for (int i = 2; i + 1 < answer.size(); i += 2) {
      String kind = String.valueOf(answer.get(i));
      String value = String.valueOf(answer.get(i + 1));
      if (kind.equals("w")) {
        WorkerRecord w = WorkerRecords.parse(value);
        if (w != null) {
          workers.add(w);
        }
      } else {
        unannounced.add(value);
      }
    }
    return new Workers(now, total, workers, unannounced);
  }
}
