package dev.baton.worker.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.baton.engine.SharedFiles;
import dev.baton.testing.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * With {@code baton.worker.admin-token} set, stage 0 drains and resumes only for a caller that sends the token as a
 * bearer token; without it or with a wrong one the answer is 401 with a JSON error saying what is missing, and the
 * stage keeps serving. Reads ({@code GET /drain}, {@code /stats}) stay open.
 */
@QuarkusTest
@TestProfile(DrainNeedsTheAdminTokenTest.StageZeroWithToken.class)
@QuarkusTestResource(KafkaBrokerResource.class)
class DrainNeedsTheAdminTokenTest {
    private static final String TOKEN = "0f3c9a1d7e5b2c8f4a6d0e9b1c7f3a5d";

    /** A one-stage pipeline on stories260K (stage 0 is also the last) in a group of its own, with an admin token. */
    public static class StageZeroWithToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "baton.worker.model", SharedFiles.model(LastStageProfile.MODEL_FILE).toString(),
                    "baton.worker.stage", "0",
                    "baton.worker.stages", "1",
                    "baton.worker.threads", "1",
                    "baton.worker.consumer-group", "admin-token-test-" + UUID.randomUUID(),
                    "baton.worker.warmup.enabled", "false",
                    "baton.worker.admin-token", TOKEN);
        }
    }

    @Test
    void onlyTheTokenDrainsAndResumes() {
        given().post("/drain").then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"))
                .body("error", containsString("Authorization: Bearer"));
        given().header("Authorization", "Bearer " + TOKEN.substring(1)).post("/drain").then().statusCode(401)
                .body("error", containsString("not this stage's admin token"));
        given().header("Authorization", "Basic " + TOKEN).post("/drain").then().statusCode(401);
        given().get("/drain").then().statusCode(200).body("state", equalTo("serving"));
        given().get("/stats").then().statusCode(200).body("stage", equalTo(0));

        given().header("Authorization", "Bearer " + TOKEN).post("/drain").then().statusCode(200)
                .body("state", not(equalTo("serving")));
        awaitState("drained");

        given().delete("/drain").then().statusCode(401);
        given().header("Authorization", "Bearer wrong").delete("/drain").then().statusCode(401);
        awaitState("drained");
        given().header("Authorization", "bearer " + TOKEN).delete("/drain").then().statusCode(200);
        awaitState("serving");
    }

    private static void awaitState(String state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!given().get("/drain").then().extract().path("state").equals(state)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + state + ": " + given().get("/drain").asString());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
