// The order the processes are searched in for a socket's owner: descendants, this process, its ancestors, the rest.
using System.Globalization;
using System.Runtime.Versioning;

namespace Tokentap.Engine.Clients;

/// <summary>
/// Every process id, in the order the owner of a client socket is looked for: this process's descendants first
/// (Invoke-TokentapCommand's child, a client started from the pwsh running the proxy), then this process (a client
/// inside the pwsh running the proxy), then its ancestors, parent first (a client whose shell or host started the
/// process running the proxy), then the rest; descendants and the rest newest first (clients are usually recent).
/// Reading every process's descriptors costs one readlink per descriptor, thousands on a busy machine, so the common
/// cases check a handful of processes instead of all; and the order is read lazily, so a search that stops early
/// reads no more of it than it needs.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class ProcessSearchOrder
{
    /// <summary>
    /// The search order. The descendants come from the children files of each thread (/proc/PID/task/TID/children,
    /// CONFIG_PROC_CHILDREN), the ancestors from a few parent ids, and the rest from the /proc listing alone, without
    /// reading any other process's parent id. Where children files do not exist (or <paramref name="fromChildren"/> is
    /// false), every process's parent id is read first, as <see cref="FromParentIds"/> does.
    /// </summary>
    public static IEnumerable<int> Ids(bool fromChildren = true)
    {
        var self = Environment.ProcessId;
        var descendants = fromChildren ? Descendants(self) : null;
        if (descendants is null)
        {
            foreach (var id in FromParentIds())
            {
                yield return id;
            }

            yield break;
        }

        descendants.Sort(static (a, b) => b.CompareTo(a));
        var searched = new HashSet<int>(descendants) { self };
        foreach (var id in descendants)
        {
            yield return id;
        }

        yield return self;

        // A loop (ids reused while the chain was read) is cut by the set.
        for (var id = ReadParentId(self); id > 0 && searched.Add(id); id = ReadParentId(id))
        {
            yield return id;
        }

        foreach (var id in Rest(searched))
        {
            yield return id;
        }
    }

    /// <summary>The same order, built whole from every process's parent id (/proc/PID/stat): the way without children files.</summary>
    public static List<int> FromParentIds()
    {
        var parents = new Dictionary<int, int>();
        try
        {
            foreach (var entry in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(entry.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    parents[id] = ReadParentId(id);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No /proc: no owner can be found.
        }

        var descendants = new HashSet<int>();
        var added = true;
        while (added)
        {
            added = false;
            foreach (var (id, parent) in parents)
            {
                if ((parent == Environment.ProcessId || descendants.Contains(parent)) && descendants.Add(id))
                {
                    added = true;
                }
            }
        }

        var ancestors = Ancestors(parents);
        var ids = parents.Keys.Where(id => !ancestors.Contains(id)).ToList();
        int Group(int id) => descendants.Contains(id) ? 0 : id == Environment.ProcessId ? 1 : 2;
        ids.Sort((a, b) => Group(a) != Group(b) ? Group(a).CompareTo(Group(b)) : b.CompareTo(a));
        var rest = ids.FindIndex(id => Group(id) == 2);
        ids.InsertRange(rest < 0 ? ids.Count : rest, ancestors);
        return ids;
    }

    /// <summary>
    /// Every descendant of <paramref name="root"/>, from its threads' children files and theirs in turn; null when the
    /// root's children files cannot be read (no CONFIG_PROC_CHILDREN).
    /// </summary>
    private static List<int>? Descendants(int root)
    {
        var found = new List<int>();
        if (!AddChildren(root, found))
        {
            return null;
        }

        var known = new HashSet<int>(found) { root };
        var children = new List<int>();
        for (var i = 0; i < found.Count; i++)
        {
            // A descendant that ended meanwhile has no children files left: it adds nothing.
            children.Clear();
            AddChildren(found[i], children);
            foreach (var child in children)
            {
                if (known.Add(child))
                {
                    found.Add(child);
                }
            }
        }

        return found;
    }

    /// <summary>Adds the children of every thread of the process; false when not one thread's children file could be read.</summary>
    private static bool AddChildren(int processId, List<int> children)
    {
        using var threads = ProcDirectory.Open(processId, "task"u8);
        if (threads is null)
        {
            return false;
        }

        Span<byte> path = stackalloc byte[32];
        var read = false;
        for (var thread = threads.NextNumber(); thread >= 0; thread = threads.NextNumber())
        {
            thread.TryFormat(path, out var length, provider: CultureInfo.InvariantCulture);
            "/children\0"u8.CopyTo(path[length..]);
            read |= threads.ReadNumbers(path, children);
        }

        return read;
    }

    /// <summary>The processes not yet searched, newest first, from the /proc listing alone.</summary>
    private static List<int> Rest(HashSet<int> searched)
    {
        var rest = new List<int>();
        using (var all = ProcDirectory.Open(0, default))
        {
            for (var id = all?.NextNumber() ?? -1; id >= 0; id = all!.NextNumber())
            {
                if (!searched.Contains(id))
                {
                    rest.Add(id);
                }
            }
        }

        rest.Sort(static (a, b) => b.CompareTo(a));
        return rest;
    }

    /// <summary>This process's parent, its parent, and so on, as far as /proc shows them (a loop is cut).</summary>
    private static List<int> Ancestors(Dictionary<int, int> parents)
    {
        var chain = new List<int>();
        for (var id = parents.GetValueOrDefault(Environment.ProcessId); id > 0 && parents.ContainsKey(id) && id != Environment.ProcessId && !chain.Contains(id); id = parents[id])
        {
            chain.Add(id);
        }

        return chain;
    }

    /// <summary>
    /// The parent id from /proc/PID/stat ("pid (comm) state ppid ..."; comm may hold spaces and parentheses), or 0.
    /// comm holds at most 15 bytes and only numbers follow it, so the first 128 bytes hold the parent id: one small
    /// read into the stack, no stream.
    /// </summary>
    private static int ReadParentId(int processId)
    {
        Span<byte> buffer = stackalloc byte[128];
        int read;
        try
        {
            using var handle = File.OpenHandle($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat");
            read = RandomAccess.Read(handle, buffer, 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        var stat = buffer[..read];
        var afterName = stat.LastIndexOf((byte)')');
        if (afterName < 0)
        {
            return 0;
        }

        var rest = stat[(afterName + 1)..].TrimStart((byte)' ');
        var state = rest.IndexOf((byte)' ');
        if (state < 0)
        {
            return 0;
        }

        rest = rest[(state + 1)..];
        var end = rest.IndexOf((byte)' ');
        return end > 0 && int.TryParse(rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ? parent : 0;
    }
}
