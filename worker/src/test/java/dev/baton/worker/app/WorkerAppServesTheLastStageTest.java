package dev.baton.worker.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.engine.SharedFiles;
import dev.baton.engine.sampling.SamplingParams;
import dev.baton.proto.InferenceRequest;
import dev.baton.proto.TokenEvent;
import dev.baton.testing.kafka.KafkaBrokerResource;
import dev.baton.worker.runtime.EngineReference;
import dev.baton.worker.runtime.StageRuntime;
import dev.baton.worker.runtime.TestKafka;
import dev.baton.worker.runtime.TestRequests;
import dev.baton.worker.runtime.WorkerConfigs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The packaged app's wiring: configured by baton.worker.* alone, it serves StageService on its HTTP port (the unified
 * server), reports readiness and stats over HTTP, and as the last stage publishes the tokens a stage 0 pointed at
 * that port asks for, and exports its counters as Prometheus metrics.
 */
@QuarkusTest
@TestProfile(LastStageProfile.class)
@QuarkusTestResource(KafkaBrokerResource.class)
class WorkerAppServesTheLastStageTest {
    @TestHTTPResource("/")
    URL root;

    @Test
    void stageZeroReachesTheAppOverItsHttpPortAndGetsTheEnginesTokens() {
        awaitReady();
        given().get("/stats").then().statusCode(200).body("stage", equalTo(1)).body("stages", equalTo(2))
                .body("ready", equalTo(true));

        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        Path model = SharedFiles.model(LastStageProfile.MODEL_FILE);
        String group = "app-test-" + UUID.randomUUID();
        TestKafka.startGroupAtEnd(bootstrap, group);
        try (EngineReference engine = new EngineReference(model, 2048);
             TestKafka kafka = new TestKafka(bootstrap);
             StageRuntime first = StageRuntime.start(WorkerConfigs.of(Map.of(
                     "baton.worker.model", model.toString(),
                     "baton.worker.stage", "0",
                     "baton.worker.stages", "2",
                     "baton.worker.threads", "1",
                     "baton.worker.consumer-group", group,
                     "baton.worker.shutdown-grace", "2s",
                     "baton.worker.warmup.enabled", "false",
                     "baton.worker.next", "127.0.0.1:" + root.getPort())), bootstrap)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!first.ready()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("stage 0 did not connect: " + first.readinessProblem());
                }
                sleep();
            }
            int[] prompt = engine.prompt("Once upon a time");
            InferenceRequest request = TestRequests.request(TestRequests.modelName(model), prompt, 16).build();
            kafka.send(request);
            List<TokenEvent> events = kafka.awaitReply(request.getRequestId(), Duration.ofSeconds(60));
            assertEquals(engine.generate(prompt, SamplingParams.greedy(), 16, false),
                    events.stream().filter(TokenEvent::hasTokenId).map(TokenEvent::getTokenId).toList());
        }
        given().get("/stats").then().statusCode(200).body("tokensSampled", greaterThan(0));
        String metrics = given().get("/metrics").then().statusCode(200).extract().asString();
        String labels = "{model=\"" + TestRequests.modelName(model) + "\",stage=\"1\"}";
        String sampled = "baton_worker_tokens_sampled_total" + labels + " ";
        assertTrue(metrics.contains(sampled) && !metrics.contains(sampled + "0.0"), metrics);
        assertTrue(metrics.contains("baton_worker_ready" + labels + " 1.0"), metrics);
        assertTrue(metrics.contains("baton_worker_step_compute_seconds{model="), metrics);
    }

    @Test
    void onlyStageZeroCanBeDrained() {
        given().get("/drain").then().statusCode(200).body("stage", equalTo(1)).body("state", equalTo("serving"))
                .body("running", equalTo(0));
        given().post("/drain").then().statusCode(409).body("error", containsString("drain stage 0"));
        given().delete("/drain").then().statusCode(409);
    }

    private static void awaitReady() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (given().get("/q/health/ready").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not ready: " + given().get("/q/health/ready").asString());
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
