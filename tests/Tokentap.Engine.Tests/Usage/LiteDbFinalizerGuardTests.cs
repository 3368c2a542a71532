// The guard that every closing unit of work runs: it must keep working after collections without compiling anything.
using System.Runtime;
using LiteDB.Engine;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class LiteDbFinalizerGuardTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Protecting_engines_after_collections_compiles_no_new_code()
    {
        // Every unit of work closes its engine through the guard (the recorder five times a second). The guard reached
        // the transaction slot's Value through a PropertyInfo looked up per call; the runtime keeps a type's reflection
        // cache only weakly, so after a collection each call made a new PropertyInfo, emitted a new invoke stub and
        // JIT-compiled it: a running proxy never stopped compiling.
        Close(Open());
        Close(Open());
        Close(Open());

        var before = JitInfo.GetCompiledMethodCount(currentThread: true);
        for (var i = 0; i < 20; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Close(Open());
            Close(Open());
        }

        Assert.Equal(0, JitInfo.GetCompiledMethodCount(currentThread: true) - before);
    }

    private LiteEngine Open() => new(new EngineSettings { Filename = Path.Combine(_temp.Folder, "guard.db") });

    private static void Close(LiteEngine engine)
    {
        LiteDbFinalizerGuard.Protect(engine);
        engine.Dispose();
    }
}
