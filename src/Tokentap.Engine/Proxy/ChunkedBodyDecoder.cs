// Decodes a chunked request body (RFC 9112 section 7.1) incrementally, whatever way the bytes are split.
using System.Buffers;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// A push decoder for the chunked transfer coding: feed bytes as they arrive, get the body data out. Chunk
/// extensions and trailer fields are read and dropped. Line ends may be CRLF or a bare LF, as in message heads.
/// </summary>
internal sealed class ChunkedBodyDecoder
{
    /// <summary>The longest chunk-size line accepted, extensions included.</summary>
    public const int MaxSizeLineBytes = 4096;

    /// <summary>The most trailer bytes accepted.</summary>
    public const int MaxTrailerBytes = 64 * 1024;

    private readonly long _maxBodyBytes;
    private State _state = State.Size;
    private long _chunkRemaining;
    private int _sizeDigits;
    private int _lineBytes;
    private int _trailerBytes;

    public ChunkedBodyDecoder(long maxBodyBytes) => _maxBodyBytes = maxBodyBytes;

    private enum State
    {
        Size,
        Extension,
        SizeLineFeed,
        Data,
        DataCarriageReturn,
        DataLineFeed,
        TrailerLineStart,
        TrailerLine,
        TrailerLineFeed,
        TrailerEndLineFeed,
        Done,
    }

    /// <summary>Body bytes decoded so far.</summary>
    public long BodyBytes { get; private set; }

    public bool IsDone => _state == State.Done;

    /// <summary>
    /// Decodes as much of <paramref name="input"/> as possible into <paramref name="output"/>. Returns how many
    /// input bytes were used (bytes after the end of the body are left unused) or an error (400 malformed, 413 too large).
    /// </summary>
    public int Decode(ReadOnlySpan<byte> input, IBufferWriter<byte> output, out HttpParseError error)
    {
        error = default;
        var i = 0;
        while (i < input.Length && _state != State.Done)
        {
            if (_state == State.Data)
            {
                var take = (int)Math.Min(_chunkRemaining, input.Length - i);
                output.Write(input.Slice(i, take));
                i += take;
                _chunkRemaining -= take;
                if (_chunkRemaining == 0)
                {
                    _state = State.DataCarriageReturn;
                }

                continue;
            }

            var b = input[i++];
            switch (_state)
            {
                case State.Size:
                    if (++_lineBytes > MaxSizeLineBytes)
                    {
                        return Fail(out error, "chunk size line too long");
                    }

                    var digit = HexValue(b);
                    if (digit >= 0)
                    {
                        if (_chunkRemaining > (long.MaxValue >> 4))
                        {
                            return Fail(out error, "chunk size too large");
                        }

                        _chunkRemaining = (_chunkRemaining << 4) | (uint)digit;
                        _sizeDigits++;
                    }
                    else if (_sizeDigits > 0 && b is (byte)';' or (byte)' ' or (byte)'\t')
                    {
                        _state = State.Extension;
                    }
                    else if (_sizeDigits > 0 && b == '\r')
                    {
                        _state = State.SizeLineFeed;
                    }
                    else if (_sizeDigits > 0 && b == '\n')
                    {
                        if (!EndSizeLine(out error))
                        {
                            return i;
                        }
                    }
                    else
                    {
                        return Fail(out error, "malformed chunk size");
                    }

                    break;

                case State.Extension:
                    if (++_lineBytes > MaxSizeLineBytes)
                    {
                        return Fail(out error, "chunk extension too long");
                    }

                    if (b == '\r')
                    {
                        _state = State.SizeLineFeed;
                    }
                    else if (b == '\n')
                    {
                        if (!EndSizeLine(out error))
                        {
                            return i;
                        }
                    }

                    break;

                case State.SizeLineFeed:
                    if (b != '\n')
                    {
                        return Fail(out error, "a bare CR in a chunk size line");
                    }

                    if (!EndSizeLine(out error))
                    {
                        return i;
                    }

                    break;

                case State.DataCarriageReturn:
                    if (b == '\r')
                    {
                        _state = State.DataLineFeed;
                    }
                    else if (b == '\n')
                    {
                        StartSizeLine();
                    }
                    else
                    {
                        return Fail(out error, "chunk data longer than its size");
                    }

                    break;

                case State.DataLineFeed:
                    if (b != '\n')
                    {
                        return Fail(out error, "chunk data not followed by CRLF");
                    }

                    StartSizeLine();
                    break;

                case State.TrailerLineStart:
                    if (b == '\r')
                    {
                        _state = State.TrailerEndLineFeed;
                    }
                    else if (b == '\n')
                    {
                        _state = State.Done;
                    }
                    else if (!CountTrailer(out error))
                    {
                        return i;
                    }
                    else
                    {
                        _state = State.TrailerLine;
                    }

                    break;

                case State.TrailerLine:
                    if (!CountTrailer(out error))
                    {
                        return i;
                    }

                    if (b == '\r')
                    {
                        _state = State.TrailerLineFeed;
                    }
                    else if (b == '\n')
                    {
                        _state = State.TrailerLineStart;
                    }

                    break;

                case State.TrailerLineFeed:
                    if (b != '\n')
                    {
                        return Fail(out error, "a bare CR in a trailer field");
                    }

                    _state = State.TrailerLineStart;
                    break;

                case State.TrailerEndLineFeed:
                    if (b != '\n')
                    {
                        return Fail(out error, "malformed trailer section");
                    }

                    _state = State.Done;
                    break;
            }
        }

        return i;
    }

    private bool EndSizeLine(out HttpParseError error)
    {
        error = default;
        if (_chunkRemaining == 0)
        {
            _state = State.TrailerLineStart;
            return true;
        }

        if (_chunkRemaining > _maxBodyBytes - BodyBytes)
        {
            error = new HttpParseError(413, $"the request body exceeds {_maxBodyBytes} bytes");
            return false;
        }

        BodyBytes += _chunkRemaining;
        _state = State.Data;
        return true;
    }

    private void StartSizeLine()
    {
        _state = State.Size;
        _chunkRemaining = 0;
        _sizeDigits = 0;
        _lineBytes = 0;
    }

    private bool CountTrailer(out HttpParseError error)
    {
        error = default;
        if (++_trailerBytes > MaxTrailerBytes)
        {
            error = HttpParseError.Malformed("trailer section too large");
            return false;
        }

        return true;
    }

    private static int Fail(out HttpParseError error, string message)
    {
        error = HttpParseError.Malformed(message);
        return 0;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
