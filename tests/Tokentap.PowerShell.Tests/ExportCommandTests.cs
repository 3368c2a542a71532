// Enable-, Get- and Disable-TokentapExport in the module: settings in $TOKENTAP_HOME, OTEL_* variables, errors, -WhatIf.
using System.Management.Automation;
using System.Text.Json;
using Tokentap;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class ExportCommandTests(ModuleFixture module) : IDisposable
{
    private string SettingsPath => Path.Combine(module.Home, "export.json");

    [Fact]
    public void Enable_get_and_disable_round_trip_the_settings()
    {
        var enabled = module.Run("Enable-TokentapExport -Endpoint http://collector.test:4318/ -Header 'x-team=core', 'authorization=Bearer%20abc' -User Hashed").Single<TokentapExportStatus>();
        using (var file = JsonDocument.Parse(File.ReadAllText(SettingsPath)))
        {
            Assert.True(file.RootElement.GetProperty("enabled").GetBoolean());
            Assert.Equal("http://collector.test:4318", file.RootElement.GetProperty("endpoint").GetString());
            Assert.Equal("Bearer abc", file.RootElement.GetProperty("headers").GetProperty("authorization").GetString());
            Assert.Equal("hashed", file.RootElement.GetProperty("user").GetString());
        }

        var got = module.Run("Get-TokentapExport").Single<TokentapExportStatus>();
        var disabled = module.Run("Disable-TokentapExport").Single<TokentapExportStatus>();

        Assert.True(enabled.Enabled);
        Assert.Equal("http://collector.test:4318", enabled.Endpoint);
        Assert.Equal(["authorization", "x-team"], enabled.HeaderNames);
        Assert.Equal(TokentapExportUser.Hashed, enabled.User);
        Assert.Equal("http/protobuf", got.Protocol);
        Assert.False(got.Running);
        Assert.Equal(SettingsPath, got.SettingsPath);
        Assert.False(disabled.Enabled);
        Assert.Equal("http://collector.test:4318", disabled.Endpoint);
        Assert.False(module.Run("Get-TokentapExport").Single<TokentapExportStatus>().Enabled);
    }

    [Fact]
    public void Backlog_counts_the_stored_events_after_the_saved_position()
    {
        var before = module.Run("Get-TokentapExport").Single<TokentapExportStatus>();
        var stored = module.Run("@(Get-TokenUsage).Count").Single<int>();

        Assert.Equal(0, before.Position);
        Assert.Equal(stored, before.Backlog);
    }

    [Fact]
    public void Get_Tokentap_shows_the_export_state_once_export_was_turned_on()
    {
        var before = module.Run("Get-Tokentap").Single<TokentapStatus>();
        module.Run("Enable-TokentapExport -Endpoint http://collector.test:4318").ThrowIfFailed();
        var after = module.Run("Get-Tokentap").Single<TokentapStatus>();
        var text = module.Run("Get-Tokentap | Format-List | Out-String -Width 200").Single<string>();
        var stored = module.Run("@(Get-TokenUsage).Count").Single<int>();

        Assert.Null(before.Export);
        Assert.NotNull(after.Export);
        Assert.True(after.Export.Enabled);
        Assert.Equal(stored, after.Export.Backlog);
        Assert.Contains($"Export             : on http://collector.test:4318, position 0, backlog {stored}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_Endpoint_the_OTEL_variables_are_used()
    {
        var status = module.Run(
            "$env:OTEL_EXPORTER_OTLP_ENDPOINT = 'https://otlp.test'; $env:OTEL_EXPORTER_OTLP_HEADERS = 'k1=v1,k2=v2'; " +
            "try { Enable-TokentapExport } finally { Remove-Item Env:OTEL_EXPORTER_OTLP_ENDPOINT, Env:OTEL_EXPORTER_OTLP_HEADERS }").Single<TokentapExportStatus>();

        Assert.Equal("https://otlp.test", status.Endpoint);
        Assert.Equal(["k1", "k2"], status.HeaderNames);
    }

    [Fact]
    public void Without_an_endpoint_or_variable_the_error_says_what_to_give()
    {
        var result = module.Run("Enable-TokentapExport");

        var error = Assert.Single(result.Errors);
        Assert.Equal("ExportEndpointMissing,Tokentap.PowerShell.Commands.EnableTokentapExportCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.False(File.Exists(SettingsPath));
    }

    [Fact]
    public void An_http_json_protocol_variable_is_refused()
    {
        var result = module.Run("$env:OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json'; try { Enable-TokentapExport -Endpoint http://c.test:4318 } finally { Remove-Item Env:OTEL_EXPORTER_OTLP_PROTOCOL }");

        var error = Assert.Single(result.Errors);
        Assert.Equal("ExportProtocolNotSupported,Tokentap.PowerShell.Commands.EnableTokentapExportCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("http/protobuf or grpc", error.Exception.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(SettingsPath));
    }

    [Fact]
    public void The_grpc_protocol_comes_from_the_variable_or_the_parameter()
    {
        var fromVariable = module.Run("$env:OTEL_EXPORTER_OTLP_PROTOCOL = 'grpc'; try { Enable-TokentapExport -Endpoint http://c.test:4317 } finally { Remove-Item Env:OTEL_EXPORTER_OTLP_PROTOCOL }").Single<TokentapExportStatus>();
        var fromParameter = module.Run("Enable-TokentapExport -Endpoint http://c.test:4318 -Protocol http/protobuf").Single<TokentapExportStatus>();
        var grpcAgain = module.Run("Enable-TokentapExport -Endpoint http://c.test:4317 -Protocol grpc").Single<TokentapExportStatus>();

        Assert.Equal("grpc", fromVariable.Protocol);
        Assert.Equal("http/protobuf", fromParameter.Protocol);
        Assert.Equal("grpc", grpcAgain.Protocol);
        Assert.Contains("\"protocol\": \"grpc\"", File.ReadAllText(SettingsPath), StringComparison.Ordinal);
    }

    [Fact]
    public void WhatIf_writes_no_settings()
    {
        var result = module.Run("Enable-TokentapExport -Endpoint http://c.test:4318 -WhatIf").ThrowIfFailed();

        Assert.Empty(result.Output);
        Assert.False(File.Exists(SettingsPath));
    }

    public void Dispose()
    {
        File.Delete(SettingsPath);
        File.Delete(Path.Combine(module.Home, "export.position"));
    }
}
