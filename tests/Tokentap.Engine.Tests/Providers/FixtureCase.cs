// One fixture exchange and the event it must produce, field by field.
namespace Tokentap.Engine.Tests.Providers;

internal sealed record FixtureCase(string Name, string File, string Host, string PathAndQuery, string RequestBody, int Status, Expectation Expected)
{
    public override string ToString() => Name;
}
