package dev.baton.engine;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where tests find the project's shared models and test data: {@code ../shared} beside the repository
 * (CI lays it there), or wherever {@code BATON_SHARED} points. Never copied into the repository.
 */
public final class SharedFiles {
    private SharedFiles() {
    }

    public static Path root() {
        String env = System.getenv("BATON_SHARED");
        Path root = env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "..", "shared");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("shared test data not found at " + root.toAbsolutePath()
                    + " (set BATON_SHARED or place shared/ beside the repository)");
        }
        return root.normalize();
    }

    public static Path model(String fileName) {
        return root().resolve("models").resolve(fileName);
    }

    public static Path testdata(String relative) {
        return root().resolve("testdata").resolve(relative);
    }
}
