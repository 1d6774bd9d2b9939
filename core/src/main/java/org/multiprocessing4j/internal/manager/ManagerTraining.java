package org.multiprocessing4j.internal.manager;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.multiprocessing4j.Connection;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.internal.shm.Liveness;

/**
 * A manager's hot paths within one process, for the run that trains the AOT cache: a server on a
 * thread of its own, and a client calling a dict's and a list's methods through proxies, over a
 * pipe, as a child does. So a manager's server and its clients start with these classes linked and
 * their methods profiled.
 */
public final class ManagerTraining {
    private static final String SERVER_ID = "aot-training";
    private static final int KEYS = 100;

    private ManagerTraining() {}

    public static void exercise(int rounds) throws Exception {
        try {
            callMethods(rounds);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the training manager failed", t);
        }
    }

    @SuppressWarnings("unchecked")
    private static void callMethods(int rounds) throws Throwable {
        Queue<Connection> accept = new Queue<>();
        Queue<Object> started = new Queue<>();
        Thread server = Thread.ofPlatform().daemon().name("mp4j-manager-training").start(() -> {
            try {
                ManagerServer.serve(SERVER_ID, accept, null, null, started);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        started.take();
        ManagerClient client = ManagerClient.of(
                new ManagerAddress.Local(SERVER_ID, accept, Liveness.selfPid(), Liveness.selfStartTime()));
        Map<Integer, Integer> dict = (Map<Integer, Integer>) client.call(Calls.MANAGER, "create",
                new Object[] {"dict", new HashMap<>()});
        List<Integer> list = (List<Integer>) client.call(Calls.MANAGER, "create", new Object[] {"list", List.of()});
        for (int i = 0; i < rounds; i++) {
            dict.put(i % KEYS, i);
            dict.get(i % KEYS);
            if (i < KEYS) {
                list.add(i);
            } else {
                list.set(i % KEYS, list.get(i % KEYS) + 1);
            }
        }
        client.call(Calls.MANAGER, "shutdown", new Object[0]);
        server.join();
    }
}
