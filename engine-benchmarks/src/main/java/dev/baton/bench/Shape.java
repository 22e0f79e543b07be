package dev.baton.bench;

/** A matrix shape written "ROWSxCOLS" in benchmark parameters. */
record Shape(int rows, int cols) {
    static Shape parse(String text) {
        int x = text.indexOf('x');
        if (x < 0) {
            throw new IllegalArgumentException("shape must be ROWSxCOLS, got " + text);
        }
        return new Shape(Integer.parseInt(text.substring(0, x)), Integer.parseInt(text.substring(x + 1)));
    }
}
