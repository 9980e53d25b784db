package igor.app;

import java.util.function.Consumer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Tells a callback of every member removed from the cluster (downed by the split-brain resolver
 * after a crash, or gone after leaving), once, on the node's own actor: the node then takes over
 * what the removed one had read from Redis and not acknowledged.
 */
final class RemovedMembers {
  private RemovedMembers() {}

  static void subscribe(ActorSystem<?> system, String name, Consumer<Address> onRemoved) {
    system.systemActorOf(
        Behaviors.<ClusterEvent.MemberRemoved>setup(
            context -> {
              Cluster.get(system)
                  .subscriptions()
                  .tell(Subscribe.create(context.getSelf(), ClusterEvent.MemberRemoved.class));
              return Behaviors.receiveMessage(
                  removed -> {
                    onRemoved.accept(removed.member().address());
                    return Behaviors.same();
                  });
            }),
        name,
        Props.empty());
  }
}
