// The growable byte writer usage chunks are encoded with: varints, zigzag, little-endian numbers.
using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Tokentap.Engine.Usage;

/// <summary>A growable little-endian byte writer with varints.</summary>
internal struct ChunkWriter
{
    private readonly bool _pooled;
    private byte[] _buffer;
    private int _length;

    public ChunkWriter(int capacity)
    {
        _buffer = new byte[Math.Max(capacity, 64)];
        _length = 0;
        _pooled = false;
    }

    private ChunkWriter(byte[] rented)
    {
        _buffer = rented;
        _length = 0;
        _pooled = true;
    }

    /// <summary>A writer on a buffer from the shared pool (growing through the pool too); give it back with <see cref="Return"/>.</summary>
    public static ChunkWriter Pooled(int capacity) => new(ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 64)));

    /// <summary>Gives a pooled writer's buffer back; the writer must not be used after.</summary>
    public void Return()
    {
        if (_pooled)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _length = 0;
        }
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void WriteByte(byte value) => Take(1)[0] = value;

    public void WriteVarint(ulong value)
    {
        var span = Take(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        _length -= 10 - n;
    }

    /// <summary>A signed value as a zigzag varint (small magnitudes, either sign, take few bytes).</summary>
    public void WriteSigned(long value) => WriteVarint((ulong)((value << 1) ^ (value >> 63)));

    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Take(8), value);

    public void WriteGuid(Guid value)
    {
        if (!value.TryWriteBytes(Take(16)))
        {
            throw new InvalidOperationException("Guid did not fit in 16 bytes.");
        }
    }

    public void WriteDecimal(decimal value)
    {
        Span<int> parts = stackalloc int[4];
        decimal.GetBits(value, parts);
        WriteVarint((uint)parts[3]);
        WriteVarint((uint)parts[0]);
        WriteVarint((uint)parts[1]);
        WriteVarint((uint)parts[2]);
    }

    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteVarint((ulong)count);
        Encoding.UTF8.GetBytes(value, Take(count));
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

    private Span<byte> Take(int count)
    {
        if (_length + count > _buffer.Length)
        {
            var size = Math.Max(_buffer.Length * 2, _length + count);
            if (_pooled)
            {
                var larger = ArrayPool<byte>.Shared.Rent(size);
                _buffer.AsSpan(0, _length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }
            else
            {
                Array.Resize(ref _buffer, size);
            }
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
