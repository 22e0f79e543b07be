package dev.baton.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class WeightFormatsTest {
    @Test
    void supportedTypesHaveFormats() {
        for (GgmlType t : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0}) {
            assertTrue(WeightFormats.isSupported(t));
            assertEquals(t, WeightFormats.of(t).type());
        }
    }

    @Test
    void unsupportedTypeIsRefusedByName() {
        assertFalse(WeightFormats.isSupported(GgmlType.IQ2_XXS));
        assertFalse(WeightFormats.isSupported(null));
        UnsupportedTensorTypeException e = assertThrows(UnsupportedTensorTypeException.class,
                () -> WeightFormats.of(GgmlType.IQ2_XXS));
        assertEquals(GgmlType.IQ2_XXS, e.type());
        assertTrue(e.getMessage().contains("IQ2_XXS"), e.getMessage());
    }

    @Test
    void badShapesAreRefusedClearly() {
        WeightFormat q8 = WeightFormats.of(GgmlType.Q8_0);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(34 * 4);
            IllegalArgumentException notBlocks = assertThrows(IllegalArgumentException.class,
                    () -> q8.matrix(seg, 1, 48));
            assertTrue(notBlocks.getMessage().contains("multiple of 32"), notBlocks.getMessage());
            IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
                    () -> q8.matrix(seg, 5, 32));
            assertTrue(tooSmall.getMessage().contains("needs 170 bytes"), tooSmall.getMessage());
            WeightMatrix m = q8.matrix(seg, 4, 32);
            assertThrows(IllegalArgumentException.class, () -> m.multiplyReference(new float[31], 1, new float[4]));
            assertThrows(IllegalArgumentException.class, () -> m.multiplyReference(new float[32], 1, new float[3]));
        }
    }
}
