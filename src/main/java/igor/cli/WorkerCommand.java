package igor.cli;

import igor.app.WorkerProcess;
import igor.config.IgorConfig;
import igor.worker.api.TaskHandler;
import igor.worker.builtin.BuiltinHandlers;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Run a worker with the built-in task types (noop, sleep, fail, echo).")
final class WorkerCommand implements Callable<Integer> {

  @Option(names = "--types", split = ",", description = "Only these built-in types (default: all).")
  List<String> types;

  @Override
  public Integer call() throws Exception {
    List<TaskHandler> handlers = BuiltinHandlers.all();
    if (types != null && !types.isEmpty()) {
      handlers = handlers.stream().filter(h -> types.contains(h.type())).toList();
      if (handlers.isEmpty()) {
        System.err.println("no built-in type among " + types + "; known: noop, sleep, fail, echo");
        return 2;
      }
    }
    WorkerProcess worker = WorkerProcess.start(IgorConfig.load(), handlers);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  worker.close();
                  stopped.countDown();
                },
                "igor-worker-shutdown"));
    System.out.println("igor worker " + worker.name() + " running; Ctrl-C stops it");
    stopped.await();
    return 0;
  }
}
