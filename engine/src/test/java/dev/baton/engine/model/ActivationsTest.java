package dev.baton.engine.model;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Activations cross stages as little-endian F32 (exact) or BF16 (rounded to nearest even). */
class ActivationsTest {

    @Test
    void f32RoundTripsExactly() {
        Activations a = filled(3, 4);
        byte[] bytes = a.toBytes(ActivationEncoding.F32);
        assertEquals(3 * 4 * 4, bytes.length);
        assertEquals(a.values()[1], ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getFloat(4));
        Activations b = new Activations(5, 4);
        b.fromBytes(ActivationEncoding.F32, bytes);
        assertEquals(3, b.rows());
        assertArrayEquals(java.util.Arrays.copyOf(a.values(), 12), java.util.Arrays.copyOf(b.values(), 12));
    }

    @Test
    void bf16KeepsTheUpperHalfRoundedToNearestEven() {
        Activations a = new Activations(1, 4).rows(1);
        a.values()[0] = Float.intBitsToFloat(0x3f808000); // exactly halfway, even below: rounds down
        a.values()[1] = Float.intBitsToFloat(0x3f818000); // exactly halfway, odd below: rounds up
        a.values()[2] = Float.intBitsToFloat(0x3f808001); // above halfway: rounds up
        a.values()[3] = -2.5f;                             // representable
        byte[] bytes = a.toBytes(ActivationEncoding.BF16);
        assertEquals(8, bytes.length);
        Activations b = new Activations(1, 4);
        b.fromBytes(ActivationEncoding.BF16, bytes);
        assertEquals(Float.intBitsToFloat(0x3f800000), b.values()[0]);
        assertEquals(Float.intBitsToFloat(0x3f820000), b.values()[1]);
        assertEquals(Float.intBitsToFloat(0x3f810000), b.values()[2]);
        assertEquals(-2.5f, b.values()[3]);
    }

    @Test
    void refusesMessagesThatDoNotFit() {
        Activations a = new Activations(2, 4);
        assertThrows(IllegalArgumentException.class, () -> a.fromBytes(ActivationEncoding.F32, new byte[15]));
        assertThrows(IllegalArgumentException.class, () -> a.fromBytes(ActivationEncoding.F32, new byte[48]));
        assertThrows(IllegalArgumentException.class, () -> a.fromBytes(ActivationEncoding.BF16, new byte[7]));
    }

    private static Activations filled(int rows, int dim) {
        Activations a = new Activations(rows, dim).rows(rows);
        for (int i = 0; i < rows * dim; i++) {
            a.values()[i] = (float) Math.sin(i) * 1000;
        }
        return a;
    }
}
