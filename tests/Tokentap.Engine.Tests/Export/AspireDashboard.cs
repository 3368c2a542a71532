// The Aspire Dashboard from its NuGet package, run as a real OTLP receiver (HTTP and gRPC) whose API returns what it received.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;

namespace Tokentap.Engine.Tests.Export;

/// <summary>
/// Starts tools/Aspire.Dashboard (downloaded by the test project's PackageDownload) on two loopback ports: the
/// dashboard with its telemetry API, and the OTLP/HTTP endpoint. It can be stopped and started again on the same ports.
/// </summary>
internal sealed class AspireDashboard : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Process? _process;

    public AspireDashboard()
    {
        DashboardPort = FreePort();
        OtlpPort = FreePort();
        OtlpGrpcPort = FreePort();
    }

    public int DashboardPort { get; }

    public int OtlpPort { get; }

    public int OtlpGrpcPort { get; }

    /// <summary>The OTLP/gRPC endpoint to export to.</summary>
    public string OtlpGrpcEndpoint => $"http://127.0.0.1:{OtlpGrpcPort}";

    /// <summary>The OTLP/HTTP base URL to export to.</summary>
    public string OtlpEndpoint => $"http://127.0.0.1:{OtlpPort}";

    public static string Executable
    {
        get
        {
            var dir = typeof(AspireDashboard).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AspireDashboardDir").Value!;
            return Path.Combine(dir, "Aspire.Dashboard");
        }
    }

    /// <summary>Starts the dashboard and waits until its API answers.</summary>
    public async Task StartAsync()
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(Executable)!,
        };
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{DashboardPort}";
        info.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = OtlpEndpoint;
        info.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = OtlpGrpcEndpoint;
        info.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await Http.GetAsync($"http://127.0.0.1:{DashboardPort}/api/telemetry/logs");
                if (response.IsSuccessStatusCode && await PortOpen(OtlpPort))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The Aspire Dashboard did not start within 60 s.");
    }

    /// <summary>Kills the dashboard (what it received is gone with it).</summary>
    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Every log record received, as attribute maps (OTLP JSON values as strings).</summary>
    public async Task<List<Dictionary<string, string>>> LogRecordsAsync()
    {
        var json = await Http.GetStringAsync($"http://127.0.0.1:{DashboardPort}/api/telemetry/logs?limit=10000");
        using var document = JsonDocument.Parse(json);
        var records = new List<Dictionary<string, string>>();
        foreach (var resource in document.RootElement.GetProperty("data").GetProperty("resourceLogs").EnumerateArray())
        {
            var resourceAttributes = Attributes(resource.GetProperty("resource"));
            foreach (var scope in resource.GetProperty("scopeLogs").EnumerateArray())
            {
                foreach (var record in scope.GetProperty("logRecords").EnumerateArray())
                {
                    var attributes = Attributes(record);
                    foreach (var (key, value) in resourceAttributes)
                    {
                        attributes["resource." + key] = value;
                    }

                    if (record.TryGetProperty("timeUnixNano", out var time))
                    {
                        attributes["timeUnixNano"] = time.ToString();
                    }

                    records.Add(attributes);
                }
            }
        }

        return records;
    }

    /// <summary>The senders the dashboard knows, as its API returns them (JSON).</summary>
    public Task<string> ResourcesJsonAsync() => Http.GetStringAsync($"http://127.0.0.1:{DashboardPort}/api/telemetry/resources");

    public void Dispose() => Stop();

    private static Dictionary<string, string> Attributes(JsonElement owner)
    {
        var map = new Dictionary<string, string>();
        if (!owner.TryGetProperty("attributes", out var attributes))
        {
            return map;
        }

        foreach (var attribute in attributes.EnumerateArray())
        {
            var value = attribute.GetProperty("value").EnumerateObject().Select(p => p.Value).FirstOrDefault();
            map[attribute.GetProperty("key").GetString()!] = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!,
                JsonValueKind.Undefined => "",
                _ => value.GetRawText(),
            };
        }

        return map;
    }

    private static async Task<bool> PortOpen(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
