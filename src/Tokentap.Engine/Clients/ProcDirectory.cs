// One open /proc directory read with libc: entry names as bytes, numbers without strings, links and files by name.
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Tokentap.Engine.Clients;

/// <summary>
/// A directory of /proc (/proc itself, /proc/PID/fd, /proc/PID/task) opened with opendir(3). Entries are read as the
/// bytes readdir returns, and a descriptor link or a small file under it is read by name relative to the open
/// directory (readlinkat, openat): no path string, no stat per entry.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed unsafe class ProcDirectory : SafeHandle
{
    /// <summary>d_name's offset in struct dirent64 (d_ino 8, d_off 8, d_reclen 2, d_type 1), the same on every architecture.</summary>
    private const int NameOffset = 19;

    /// <summary>The directory's descriptor (dirfd), for the calls relative to it.</summary>
    private readonly int _descriptor;

    private ProcDirectory(nint directory)
        : base(0, ownsHandle: true)
    {
        SetHandle(directory);
        _descriptor = LinuxNative.DirectoryDescriptor(directory);
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>
    /// Opens "/proc/<paramref name="processId"/>/<paramref name="child"/>" (or "/proc" for a zero id and an empty
    /// child); null when it cannot be opened (no such process, another user's, no /proc).
    /// </summary>
    public static ProcDirectory? Open(int processId, ReadOnlySpan<byte> child)
    {
        Span<byte> path = stackalloc byte[64];
        var length = 0;
        Append(path, ref length, "/proc"u8);
        if (processId > 0)
        {
            Append(path, ref length, "/"u8);
            processId.TryFormat(path[length..], out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
            length += written;
        }

        if (!child.IsEmpty)
        {
            Append(path, ref length, "/"u8);
            Append(path, ref length, child);
        }

        path[length] = 0;
        nint directory;
        fixed (byte* pointer = path)
        {
            directory = LinuxNative.OpenDirectory(pointer);
        }

        return directory == 0 ? null : new ProcDirectory(directory);
    }

    /// <summary>Whether a symbolic link in this directory (a descriptor of /proc/PID/fd) points at exactly <paramref name="target"/>.</summary>
    public bool HoldsLinkTo(ReadOnlySpan<byte> target)
    {
        for (var name = Next(); name is not null; name = Next())
        {
            if (LinkIs(name, target))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The next entry's name (NUL-terminated, valid until the next call), skipping "." and ".."; null at the end.</summary>
    private byte* Next()
    {
        while (true)
        {
            var entry = Environment.Is64BitProcess ? LinuxNative.ReadDirectory(handle) : LinuxNative.ReadDirectory64(handle);
            if (entry is null)
            {
                return null;
            }

            var name = entry + NameOffset;
            if (!(name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))))
            {
                return name;
            }
        }
    }

    /// <summary>The next entry whose name is a decimal number (a process or thread id, a descriptor), or -1 at the end.</summary>
    public int NextNumber()
    {
        for (var name = Next(); name is not null; name = Next())
        {
            if (Number(name) is var number and >= 0)
            {
                return number;
            }
        }

        return -1;
    }

    /// <summary>The decimal number a NUL-terminated name spells, or -1 when it is not one (or too large).</summary>
    private static int Number(byte* name)
    {
        var number = 0L;
        var length = 0;
        for (; name[length] != 0; length++)
        {
            var digit = name[length] - '0';
            if (digit is < 0 or > 9 || length >= 10)
            {
                return -1;
            }

            number = number * 10 + digit;
        }

        return length > 0 && number <= int.MaxValue ? (int)number : -1;
    }

    /// <summary>Whether the symbolic link <paramref name="name"/> in this directory points at exactly <paramref name="target"/>.</summary>
    private bool LinkIs(byte* name, ReadOnlySpan<byte> target)
    {
        // One byte more than the target: a longer link fills it and cannot compare equal.
        Span<byte> link = stackalloc byte[64];
        if (target.Length >= link.Length)
        {
            return false;
        }

        nint read;
        fixed (byte* buffer = link)
        {
            read = LinuxNative.ReadLinkAt(_descriptor, name, buffer, (nuint)(target.Length + 1));
        }

        return read == target.Length && link[..(int)read].SequenceEqual(target);
    }

    /// <summary>
    /// Adds the space-separated decimal numbers of the file at <paramref name="relativePath"/> (NUL-terminated, relative
    /// to this directory; a children file) to <paramref name="numbers"/>, read in small pieces however long it is.
    /// False when it cannot be opened or read.
    /// </summary>
    public bool ReadNumbers(ReadOnlySpan<byte> relativePath, List<int> numbers)
    {
        int opened;
        fixed (byte* path = relativePath)
        {
            opened = LinuxNative.OpenAt(_descriptor, path, LinuxNative.OpenReadOnlyCloseOnExec, 0);
        }

        using var file = new LinuxDescriptor(opened);
        if (file.IsInvalid)
        {
            return false;
        }

        var buffer = stackalloc byte[256];
        long number = -1;
        while (true)
        {
            var read = LinuxNative.Read(file.Number, buffer, 256);
            if (read < 0)
            {
                return false;
            }

            for (var i = 0; i < read; i++)
            {
                var digit = buffer[i] - '0';
                if (digit is >= 0 and <= 9)
                {
                    number = number < 0 ? digit : Math.Min(number * 10 + digit, int.MaxValue + 1L);
                }
                else
                {
                    Add(numbers, ref number);
                }
            }

            if (read == 0)
            {
                Add(numbers, ref number);
                return true;
            }
        }
    }

    protected override bool ReleaseHandle() => LinuxNative.CloseDirectory(handle) == 0;

    private static void Add(List<int> numbers, ref long number)
    {
        if (number is >= 0 and <= int.MaxValue)
        {
            numbers.Add((int)number);
        }

        number = -1;
    }

    private static void Append(Span<byte> path, ref int length, ReadOnlySpan<byte> part)
    {
        part.CopyTo(path[length..]);
        length += part.Length;
    }
}
