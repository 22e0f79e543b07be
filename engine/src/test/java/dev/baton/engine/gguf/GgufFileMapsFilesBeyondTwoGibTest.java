package dev.baton.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sparse 2.5 GiB file: tensors past the 2 GiB mark must be addressable (no int offsets, no ByteBuffers). */
class GgufFileMapsFilesBeyondTwoGibTest {
    @Test
    void tensorsPastTwoGibAreReadable(@TempDir Path tmp) throws IOException {
        long bigElements = (5L << 30) / 2 / 4; // 2.5 GiB of F32
        RawGguf header = RawGguf.header(3, 2, 0).tensor("big", 0, 0, 1 << 20, bigElements >> 20)
                .tensor("tail", 0, bigElements * 4, 4).pad(32);
        Path file = tmp.resolve("sparse.gguf");
        long dataOffset = header.size();
        long tailAt = dataOffset + bigElements * 4;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(header.segment().toArray(ValueLayout.JAVA_BYTE));
            raf.setLength(tailAt + 32);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer tail = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            tail.putFloat(1.5f).putFloat(-2f).putFloat(3f).putFloat(4f).flip();
            ch.write(tail, tailAt);
            ByteBuffer last = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(7f).flip();
            ch.write(last, tailAt - 4);
        }
        try (GgufFile gguf = GgufFile.open(file)) {
            GgufTensorInfo big = gguf.tensor("big").orElseThrow();
            assertEquals(bigElements * 4, big.byteSize());
            MemorySegment bigData = gguf.tensorData(big);
            assertEquals(7f, bigData.get(GgufCursor.F32, bigData.byteSize() - 4));
            MemorySegment tail = gguf.tensorData(gguf.tensor("tail").orElseThrow());
            assertEquals(-2f, tail.get(GgufCursor.F32, 4));
            assertEquals(tailAt + 32, gguf.byteSize());
        }
    }
}
