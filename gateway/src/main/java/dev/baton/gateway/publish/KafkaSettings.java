package dev.baton.gateway.publish;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Properties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Where the Kafka cluster is, shared by the gateway's producer, reply consumer and admin client. */
@ApplicationScoped
public class KafkaSettings {
    private final String bootstrapServers;

    KafkaSettings(@ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "127.0.0.1:19092") String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The properties every client starts from; {@code role} names the client in broker logs. */
    public Properties base(String role) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("client.id", "baton-gateway-" + role + "-" + ProcessHandle.current().pid());
        return p;
    }
}
