// One model an agent of the demo calls: where it is served and how often the agent picks it.
namespace Tokentap.Engine.Demo;

/// <summary>A model with a real embedded price, the API that serves it, and its weight among the agent's models.</summary>
internal sealed record DemoModel(string Model, string Provider, string Host, string Endpoint, int Weight);
