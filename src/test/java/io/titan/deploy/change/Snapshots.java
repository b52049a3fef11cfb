package io.titan.deploy.change;

import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2AppDefinition;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.Pm2Snapshot;
import io.titan.deploy.pm2.Pm2Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** PM2 as the daemon would report it, built without one, for tests of the planner. */
public final class Snapshots {

    private Snapshots() {
    }

    /** PM2 running {@code apps} online, except those {@code statuses} gives another status. */
    public static Pm2Snapshot running(Map<String, Pm2App> apps, Map<String, Pm2Status> statuses) {
        List<Pm2Process> processes = new ArrayList<>();
        Map<String, Pm2AppDefinition> definitions = new LinkedHashMap<>();
        int id = 0;
        for (Pm2App app : apps.values()) {
            Pm2Status status = statuses.getOrDefault(app.name(), Pm2Status.ONLINE);
            processes.add(new Pm2Process(app.name(), id, status == Pm2Status.ONLINE ? 1000 + id : 0, status, 0, 0,
                    null, 0, 0, null, app.script(), app.cwd(), "u" + id));
            definitions.put(app.name(), new Pm2AppDefinition(app, status, status.keepsRunning(), true));
            id++;
        }
        return new Pm2Snapshot(processes, definitions);
    }
}
