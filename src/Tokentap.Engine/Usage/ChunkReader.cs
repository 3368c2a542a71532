// Reads the bytes ChunkWriter wrote, refusing truncated or malformed input.
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Tokentap.Engine.Usage;

/// <summary>Reads what <see cref="ChunkWriter"/> wrote; truncated or malformed input throws UsageChunkException.</summary>
internal ref struct ChunkReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _offset;

    public ChunkReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _offset = 0;
    }

    public readonly bool AtEnd => _offset == _data.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadByte() => _offset < _data.Length ? _data[_offset++] : throw Truncated();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_offset >= _data.Length)
            {
                throw Truncated();
            }

            var b = _data[_offset++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new UsageChunkException("Usage chunk has a varint longer than 64 bits.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadSigned()
    {
        var raw = ReadVarint();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>A count of items that take at least <paramref name="minBytesEach"/> bytes each of what is left.</summary>
    public int ReadCount(int minBytesEach)
    {
        var count = ReadVarint();
        return count <= (ulong)((_data.Length - _offset) / minBytesEach)
            ? (int)count
            : throw new UsageChunkException("Usage chunk holds a count larger than its bytes.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadIndex(int count)
    {
        var index = ReadVarint();
        return index < (ulong)count ? (int)index : throw new UsageChunkException("Usage chunk refers to a string it does not hold.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Guid ReadGuid() => new(Take(16));

    public decimal ReadDecimal()
    {
        var flags = (int)(uint)ReadVarint();
        var lo = (int)(uint)ReadVarint();
        var mid = (int)(uint)ReadVarint();
        var hi = (int)(uint)ReadVarint();
        try
        {
            return new decimal([lo, mid, hi, flags]);
        }
        catch (ArgumentException ex)
        {
            throw new UsageChunkException("Usage chunk holds an invalid decimal.", ex);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(int count) => Take(count);

    /// <summary>Skips a string written as its length and UTF-8 bytes, without decoding it.</summary>
    public void SkipString()
    {
        var count = ReadVarint();
        if (count > (ulong)(_data.Length - _offset))
        {
            throw Truncated();
        }

        _offset += (int)count;
    }

    public string ReadString()
    {
        var count = ReadVarint();
        if (count > int.MaxValue)
        {
            throw new UsageChunkException("Usage chunk holds a string longer than the chunk.");
        }

        return Encoding.UTF8.GetString(Take((int)count));
    }

    private static UsageChunkException Truncated() => new("Usage chunk ends in the middle of a value.");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _offset)
        {
            throw Truncated();
        }

        var span = _data.Slice(_offset, count);
        _offset += count;
        return span;
    }
}
