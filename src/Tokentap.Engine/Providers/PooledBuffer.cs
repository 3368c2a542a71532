// A growable byte buffer rented from the shared pool, with a hard size limit.
using System.Buffers;

namespace Tokentap.Engine.Providers;

/// <summary>Accumulates bytes in pooled arrays; refuses to grow past its limit. Not thread-safe.</summary>
internal sealed class PooledBuffer : IDisposable
{
    private readonly int _limit;
    private byte[]? _array;

    public PooledBuffer(int limit) => _limit = limit;

    /// <summary>Bytes held.</summary>
    public int Length { get; private set; }

    /// <summary>The bytes held.</summary>
    public ReadOnlySpan<byte> Span => _array is null ? ReadOnlySpan<byte>.Empty : _array.AsSpan(0, Length);

    /// <summary>Appends bytes; returns false (and keeps nothing of them) when the limit would be passed.</summary>
    public bool Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return true;
        }

        var needed = (long)Length + bytes.Length;
        if (needed > _limit)
        {
            return false;
        }

        if (_array is null || _array.Length < needed)
        {
            var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(_limit, Math.Max(needed, _array is null ? 1024 : (long)_array.Length * 2)));
            if (_array is not null)
            {
                _array.AsSpan(0, Length).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(_array);
            }

            _array = grown;
        }

        bytes.CopyTo(_array.AsSpan(Length));
        Length = (int)needed;
        return true;
    }

    /// <summary>Appends one byte.</summary>
    public bool Append(byte value) => Append(new ReadOnlySpan<byte>(in value));

    /// <summary>Forgets the content and keeps the array for reuse.</summary>
    public void Clear() => Length = 0;

    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = null;
        }

        Length = 0;
    }
}
