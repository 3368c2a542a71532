// A growable byte buffer with a hard size limit: small arrays pooled, large ones charged to the shared decode budget.
using System.Buffers;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Accumulates bytes; refuses to grow past its limit or past what <see cref="DecodedBodyBudget"/> allows. Arrays up
/// to <see cref="DecodedBodyBudget.UnchargedBufferBytes"/> are rented from the shared pool and kept across
/// <see cref="Clear"/>; larger ones are allocated, charged to the budget, and dropped by <see cref="Clear"/> and
/// <see cref="Dispose"/> so the pool never keeps them. Not thread-safe.
/// </summary>
internal sealed class PooledBuffer : IDisposable
{
    private readonly int _limit;
    private readonly DecodedBodyBudget _budget;
    private byte[]? _array;

    public PooledBuffer(int limit, DecodedBodyBudget? budget = null)
    {
        _limit = limit;
        _budget = budget ?? DecodedBodyBudget.Shared;
    }

    /// <summary>Bytes held.</summary>
    public int Length { get; private set; }

    /// <summary>The last refused <see cref="Append(ReadOnlySpan{byte})"/> was refused by the budget, not by the limit.</summary>
    public bool RefusedByBudget { get; private set; }

    /// <summary>The bytes held.</summary>
    public ReadOnlySpan<byte> Span => _array is null ? ReadOnlySpan<byte>.Empty : _array.AsSpan(0, Length);

    /// <summary>Appends bytes; returns false (and keeps nothing of them) when the limit or the budget would be passed.</summary>
    public bool Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return true;
        }

        var needed = (long)Length + bytes.Length;
        if (needed > _limit)
        {
            RefusedByBudget = false;
            return false;
        }

        if (_array is null || _array.Length < needed)
        {
            var size = (int)Math.Min(_limit, Math.Max(needed, _array is null ? 1024 : (long)_array.Length * 2));
            byte[] grown;
            if (size <= DecodedBodyBudget.UnchargedBufferBytes)
            {
                grown = ArrayPool<byte>.Shared.Rent(size);
            }
            else if (_budget.TryReserve(size))
            {
                grown = GC.AllocateUninitializedArray<byte>(size);
            }
            else
            {
                RefusedByBudget = true;
                return false;
            }

            if (_array is not null)
            {
                _array.AsSpan(0, Length).CopyTo(grown);
                Release(_array);
            }

            _array = grown;
        }

        bytes.CopyTo(_array.AsSpan(Length));
        Length = (int)needed;
        return true;
    }

    /// <summary>Appends one byte.</summary>
    public bool Append(byte value) => Append(new ReadOnlySpan<byte>(in value));

    /// <summary>Forgets the content; a pooled array is kept for reuse, a charged one given back.</summary>
    public void Clear()
    {
        Length = 0;
        if (_array is not null && !IsPooled(_array))
        {
            Release(_array);
            _array = null;
        }
    }

    public void Dispose()
    {
        if (_array is not null)
        {
            Release(_array);
            _array = null;
        }

        Length = 0;
    }

    // The pool rounds up to powers of two, so a rented array is never larger than the uncharged size.
    private static bool IsPooled(byte[] array) => array.Length <= DecodedBodyBudget.UnchargedBufferBytes;

    private void Release(byte[] array)
    {
        if (IsPooled(array))
        {
            ArrayPool<byte>.Shared.Return(array);
        }
        else
        {
            _budget.Release(array.Length);
        }
    }
}
