// Reassembles RFC 6455 WebSocket frames from one direction of a relayed byte stream into complete messages.
using System.Buffers;
using System.Buffers.Binary;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// A push parser for one direction: feed the raw bytes as relayed, take out whole data messages (fragments joined,
/// client masking removed). Control frames (ping, pong, close) are consumed and not reported. Compressed messages
/// (RSV1) and messages over the size limit are skipped and flagged; a protocol violation stops parsing for good.
/// </summary>
internal sealed class WebSocketFrameParser : IDisposable
{
    private const int MaxHeaderBytes = 14;

    private readonly int _maxMessageBytes;
    private readonly byte[] _header = new byte[MaxHeaderBytes];
    private int _headerFilled;
    private int _headerNeeded = 2;

    private bool _inFrame;
    private bool _frameFin;
    private int _frameOpcode;
    private bool _frameMasked;
    private uint _maskKey;
    private long _frameRemaining;
    private long _frameOffset;

    private bool _inMessage;
    private bool _messageIsText;
    private bool _messageSkipped;
    private byte[] _message = Array.Empty<byte>();
    private int _messageLength;
    private bool _messageReady;

    public WebSocketFrameParser(int maxMessageBytes = 16 * 1024 * 1024) => _maxMessageBytes = maxMessageBytes;

    /// <summary>Set once the stream broke the protocol; nothing more is parsed.</summary>
    public string? Error { get; private set; }

    /// <summary>Messages skipped because they were compressed (RSV1 set).</summary>
    public int SkippedCompressed { get; private set; }

    /// <summary>Messages skipped because they exceeded the size limit.</summary>
    public int SkippedOversize { get; private set; }

    /// <summary>
    /// Consumes bytes from <paramref name="input"/> until one data message is complete (true, payload valid until the
    /// next call) or the input is used up (false).
    /// </summary>
    public bool TryReadMessage(ref ReadOnlySpan<byte> input, out bool isText, out ReadOnlySpan<byte> payload)
    {
        isText = false;
        payload = default;
        if (_messageReady)
        {
            _messageReady = false;
            _messageLength = 0;
        }

        while (Error is null && !input.IsEmpty)
        {
            if (!_inFrame)
            {
                var take = Math.Min(_headerNeeded - _headerFilled, input.Length);
                input[..take].CopyTo(_header.AsSpan(_headerFilled));
                _headerFilled += take;
                input = input[take..];
                if (_headerFilled < _headerNeeded)
                {
                    continue;
                }

                if (!TryCompleteHeader())
                {
                    continue;
                }
            }

            var chunk = (int)Math.Min(_frameRemaining, input.Length);
            ConsumePayload(input[..chunk]);
            input = input[chunk..];
            _frameRemaining -= chunk;
            _frameOffset += chunk;
            if (_frameRemaining == 0 && EndFrame(out isText, out payload))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose()
    {
        if (_message.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_message);
            _message = Array.Empty<byte>();
        }
    }

    /// <summary>Reads the header once all its bytes are in; returns false while more header bytes are needed.</summary>
    private bool TryCompleteHeader()
    {
        if (_headerNeeded == 2)
        {
            var masked = (_header[1] & 0x80) != 0;
            var len7 = _header[1] & 0x7F;
            _headerNeeded = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
            if (_headerNeeded > 2)
            {
                return false;
            }
        }

        var b0 = _header[0];
        var b1 = _header[1];
        _frameFin = (b0 & 0x80) != 0;
        var rsv1 = (b0 & 0x40) != 0;
        _frameOpcode = b0 & 0x0F;
        _frameMasked = (b1 & 0x80) != 0;
        var len7b = b1 & 0x7F;
        var offset = 2;
        long length = len7b;
        if (len7b == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2));
            offset = 4;
        }
        else if (len7b == 127)
        {
            var big = BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2));
            if (big > long.MaxValue)
            {
                return Fail("a frame length over 2^63");
            }

            length = (long)big;
            offset = 10;
        }

        _maskKey = _frameMasked ? BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(offset)) : 0;
        _frameRemaining = length;
        _frameOffset = 0;
        _headerFilled = 0;
        _headerNeeded = 2;
        _inFrame = true;

        if (_frameOpcode >= 8)
        {
            if (!_frameFin || length > 125 || _frameOpcode > 10)
            {
                return Fail("a malformed control frame");
            }
        }
        else if (_frameOpcode == 0)
        {
            if (!_inMessage)
            {
                return Fail("a continuation frame without a message");
            }
        }
        else if (_frameOpcode is 1 or 2)
        {
            if (_inMessage)
            {
                return Fail("a new message inside a fragmented one");
            }

            _inMessage = true;
            _messageIsText = _frameOpcode == 1;
            _messageLength = 0;
            _messageSkipped = false;
            if (rsv1)
            {
                _messageSkipped = true;
                SkippedCompressed++;
            }
        }
        else
        {
            return Fail($"reserved opcode {_frameOpcode}");
        }

        if (_frameOpcode < 8 && !_messageSkipped && _messageLength + length > _maxMessageBytes)
        {
            _messageSkipped = true;
            SkippedOversize++;
        }

        return true;
    }

    private void ConsumePayload(ReadOnlySpan<byte> data)
    {
        if (_frameOpcode >= 8 || _messageSkipped || data.IsEmpty)
        {
            return;
        }

        EnsureCapacity(_messageLength + data.Length);
        var destination = _message.AsSpan(_messageLength, data.Length);
        data.CopyTo(destination);
        if (_frameMasked)
        {
            Unmask(destination, _maskKey, _frameOffset);
        }

        _messageLength += data.Length;
    }

    /// <summary>Finishes a frame; returns true when it completed a data message that is reported.</summary>
    private bool EndFrame(out bool isText, out ReadOnlySpan<byte> payload)
    {
        isText = false;
        payload = default;
        _inFrame = false;
        if (_frameOpcode >= 8 || !_frameFin)
        {
            return false;
        }

        _inMessage = false;
        if (_messageSkipped)
        {
            _messageLength = 0;
            return false;
        }

        isText = _messageIsText;
        payload = _message.AsSpan(0, _messageLength);
        _messageReady = true;
        return true;
    }

    private void EnsureCapacity(int needed)
    {
        if (_message.Length >= needed)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(4096, _message.Length * 2)));
        _message.AsSpan(0, _messageLength).CopyTo(bigger);
        if (_message.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_message);
        }

        _message = bigger;
    }

    private static void Unmask(Span<byte> data, uint key, long frameOffset)
    {
        Span<byte> mask = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(mask, key);
        var phase = (int)(frameOffset & 3);
        for (var i = 0; i < data.Length; i++)
        {
            data[i] ^= mask[(phase + i) & 3];
        }
    }

    private bool Fail(string message)
    {
        Error = message;
        return false;
    }
}
