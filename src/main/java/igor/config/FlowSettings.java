package igor.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import igor.queue.FlowLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Flow control (igor.flow in igor.conf, docs/flow-control.md): the limits a node sets at start
 * unless Redis holds them already (the API changes them at run time), how far urgency moves a task
 * ahead, how many waiting deliveries one admission looks at, how long a slot no attempt holds is
 * kept before a sweep frees it, and whether a type without a limit whose tasks carry an urgency or
 * a fairness key is ordered automatically, for how long after the last such task (ADR 0025).
 */
public record FlowSettings(
    List<FlowLimit> limits,
    long urgencyStep,
    int admissionScan,
    Duration slotGrace,
    boolean autoOrder,
    Duration autoOrderKeep) {

  public FlowSettings {
    if (urgencyStep < 0) {
      refuse("igor.flow.urgency-step must be 0 or more, got " + urgencyStep);
    }
    if (admissionScan < 1) {
      refuse("igor.flow.admission-scan must be 1 or more, got " + admissionScan);
    }
    if (autoOrderKeep.isNegative() || autoOrderKeep.isZero()) {
      refuse("igor.flow.auto-order-keep must be more than 0, got " + autoOrderKeep);
    }
    limits = List.copyOf(limits);
  }

  public static FlowSettings from(Config root) {
    Config c = root.getConfig("igor.flow");
    List<FlowLimit> limits = new ArrayList<>();
    int i = 0;
    for (Config l : c.getConfigList("limits")) {
      String at = "igor.flow.limits[" + i++ + "]";
      String kind = l.hasPath("kind") ? l.getString("kind") : "";
      String name = l.hasPath("name") ? l.getString("name") : "";
      FlowLimit limit =
          new FlowLimit(
              kind,
              name,
              l.hasPath("concurrency") ? l.getInt("concurrency") : 0,
              l.hasPath("rate") ? l.getInt("rate") : 0,
              l.hasPath("per") ? l.getDuration("per").toMillis() : 1000,
              l.hasPath("weight") ? l.getInt("weight") : 0);
      String problem = FlowLimits.problem(limit);
      if (problem != null) {
        refuse(at + ": " + problem);
      }
      limits.add(limit);
    }
    return new FlowSettings(
        limits,
        c.getLong("urgency-step"),
        c.getInt("admission-scan"),
        c.getDuration("slot-grace"),
        c.getBoolean("auto-order"),
        c.getDuration("auto-order-keep"));
  }

  private static void refuse(String problem) {
    throw new ConfigException.Generic(problem);
  }
}
