// The three paths a benchmark client can take to the upstream: direct, through Tokentap, through mitmdump.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Tokentap.Bench;

/// <summary>One way to reach the upstream. Proxies run in their own process, so their CPU and memory can be read.</summary>
internal abstract class BenchPath : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>The HTTP proxy the client uses (null: connect directly).</summary>
    public Uri? ProxyUri { get; protected init; }

    /// <summary>The root the client trusts for the certificate it is shown (the upstream's, or the proxy's CA).</summary>
    public required X509Certificate2 ClientRoot { get; init; }

    /// <summary>The proxy's process id (null for the direct path).</summary>
    public int? ProcessId { get; protected init; }

    /// <summary>Usage records the proxy has stored so far (null for the direct path).</summary>
    public virtual long? StoredUsageRecords() => null;

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Starts a child process and returns it with its first line of standard output that starts with a prefix.</summary>
    protected static async Task<(Process Process, string Line)> StartChildAsync(ProcessStartInfo start, string prefix, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardInput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return (process, line);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        process.Kill(entireProcessTree: true);
        lock (errors)
        {
            throw new InvalidOperationException($"{start.FileName} did not report '{prefix}': {errors}");
        }
    }
}

internal sealed class DirectPath : BenchPath
{
    public DirectPath(int upstreamPort) => UpstreamPort = upstreamPort;

    public override string Name => "direct";

    /// <summary>Where the client connects instead of resolving the host (the upstream's port on 127.0.0.1).</summary>
    public int UpstreamPort { get; }
}

/// <summary>Tokentap's engine in a child process (this program's "tokentap-host" mode), as Start-Tokentap runs it.</summary>
internal sealed class TokentapPath : BenchPath
{
    private readonly Process _process;
    private readonly string _home;

    private TokentapPath(Process process, string home, bool captureContent)
    {
        _process = process;
        _home = home;
        Name = captureContent ? CaptureName : "Tokentap";
    }

    /// <summary>The name of the path with content capture on (Start-Tokentap -CaptureContent).</summary>
    public const string CaptureName = "Tokentap, capture on";

    public override string Name { get; }

    /// <summary>Milliseconds from the host process's start to its listener taking connections.</summary>
    public double StartupMs { get; private init; }

    /// <summary>Assemblies loaded in the host when its listener started.</summary>
    public int StartupAssemblies { get; private init; }

    /// <summary>
    /// Starts the host; <paramref name="meter"/> (gc or alloc) makes it keep GC pauses (and allocation samples) for
    /// <see cref="Ask"/>, at a small cost, so timed runs leave it null.
    /// </summary>
    public static async Task<TokentapPath> StartAsync(int upstreamPort, string upstreamCaPem, string? meter = null, string? home = null, bool captureContent = false)
    {
        home ??= Path.Combine(Path.GetTempPath(), "tokentap-bench-proxy-" + Guid.NewGuid().ToString("N"));
        var start = BenchOptions.Self("tokentap-host", home, upstreamPort.ToString(System.Globalization.CultureInfo.InvariantCulture), upstreamCaPem, captureContent ? "capture" : "numbers");
        if (meter is not null)
        {
            start.Environment["TOKENTAP_BENCH_METER"] = meter;
        }

        var (process, line) = await StartChildAsync(start, "LISTENING ", TimeSpan.FromSeconds(60));
        var parts = line.Split(' ');
        return new TokentapPath(process, home, captureContent)
        {
            ProxyUri = new Uri($"http://127.0.0.1:{parts[1]}"),
            ClientRoot = X509CertificateLoader.LoadCertificateFromFile(parts[2]),
            ProcessId = process.Id,
            StartupMs = double.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture),
            StartupAssemblies = int.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    public override long? StoredUsageRecords() => long.Parse(Ask("count", "EVENTS"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sends a command to the host and returns the rest of its answer line (after the marker and a space).</summary>
    public string Ask(string command, string marker)
    {
        _process.StandardInput.WriteLine(command);
        while (_process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(marker, StringComparison.Ordinal))
            {
                return line.Length > marker.Length ? line[(marker.Length + 1)..] : string.Empty;
            }
        }

        throw new InvalidOperationException("the Tokentap host ended");
    }

    /// <summary>The host's <see cref="RuntimeMeter"/> counters now.</summary>
    public RuntimeSample Sample() => RuntimeSample.Parse(Ask("stats", "STATS"));

    public override async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        if (!KeepHome)
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    /// <summary>Leave the home folder (its CA and store) for the next host, as a user's next session would find it.</summary>
    public bool KeepHome { get; set; }
}

/// <summary>mitmdump (Debian package mitmproxy) with bench/mitm/usage_addon.py, streaming server-sent events.</summary>
internal sealed class MitmDumpPath : BenchPath
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly string _log;

    private MitmDumpPath(Process process, string folder, string log)
    {
        _process = process;
        _folder = folder;
        _log = log;
    }

    public override string Name => "mitmdump";

    public static string? Version()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("mitmdump", "--version") { RedirectStandardOutput = true, UseShellExecute = false });
            var first = process!.StandardOutput.ReadLine();
            process.WaitForExit();
            return first?.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    public static async Task<MitmDumpPath> StartAsync(int upstreamPort, string upstreamCaPem, string addon)
    {
        var folder = Path.Combine(Path.GetTempPath(), "tokentap-bench-mitm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var log = Path.Combine(folder, "usage.jsonl");
        var port = FreePort();
        var start = new ProcessStartInfo("mitmdump")
        {
            ArgumentList =
            {
                "--listen-host", "127.0.0.1", "--listen-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--set", "confdir=" + folder,
                "--set", "connection_strategy=lazy",
                "--set", "upstream_cert=false",
                "--set", "ssl_verify_upstream_trusted_ca=" + upstreamCaPem,
                "--set", "flow_detail=0",
                "--set", "termlog_verbosity=warn",
                "-s", addon,
            },
            Environment = { ["BENCH_UPSTREAM_PORT"] = upstreamPort.ToString(System.Globalization.CultureInfo.InvariantCulture), ["BENCH_USAGE_LOG"] = log },
        };
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start mitmdump");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Ready when it accepts connections (its CA is written before it listens).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }

        return new MitmDumpPath(process, folder, log)
        {
            ProxyUri = new Uri($"http://127.0.0.1:{port}"),
            ClientRoot = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(folder, "mitmproxy-ca-cert.pem")),
            ProcessId = process.Id,
        };
    }

    public override long? StoredUsageRecords() => File.Exists(_log) ? File.ReadLines(_log).LongCount() : 0;

    public override async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
