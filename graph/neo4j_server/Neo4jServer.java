// A real Neo4j 5.26 Community server on loopback, for machines without Docker.
//
// Run by `edflows neo4j start` as a single-file Java program (java -cp 'lib/*' Neo4jServer.java),
// with Neo4j's official jars from Maven Central on the class path (see pom.xml beside this file).
// It opens Neo4j's embedded DatabaseManagementService with its Bolt connector on, sets the
// password of the `neo4j` user on first start, writes "READY" to stdout once Bolt is listening,
// and shuts the database down cleanly on SIGTERM/SIGINT.
//
// Usage: Neo4jServer.java HOME_DIR CONF_FILE PASSWORD_FILE
//   HOME_DIR       the server's data, logs and transaction logs
//   CONF_FILE      Neo4j settings, one key=value a line (written by graph/local_server.py)
//   PASSWORD_FILE  a file holding the password for user neo4j (kept off the command line)

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

public class Neo4jServer {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Neo4jServer.java HOME_DIR CONF_FILE PASSWORD_FILE");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path conf = Path.of(args[1]).toAbsolutePath();
        String password = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8).strip();

        DatabaseManagementService service =
                new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.shutdown();
            } finally {
                stopped.countDown();
            }
        }, "edflows-neo4j-shutdown"));

        setPassword(service.database("system"), password);
        // Touch the default database so the first client does not wait for it to come online.
        service.database("neo4j").executeTransactionally("RETURN 1");
        System.out.println("READY");
        System.out.flush();
        stopped.await();
    }

    /** Set the neo4j user's password (idempotent) so clients never meet a change-required login. */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            // Neo4j refuses to "change" a password to the one already set: nothing to do.
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            }
        }
    }
}
