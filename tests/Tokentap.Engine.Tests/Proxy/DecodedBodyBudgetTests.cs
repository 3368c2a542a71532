// The shared decode budget: large parser buffers are charged to it, refused beyond it, and given back on clear.
using Tokentap.Engine.Providers;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Proxy;

public sealed class DecodedBodyBudgetTests
{
    private const int Large = 600 * 1024;

    [Fact]
    public void Large_buffers_are_charged_refused_beyond_the_limit_and_given_back_on_clear_and_dispose()
    {
        var budget = new DecodedBodyBudget(1024 * 1024);
        var chunk = new byte[Large];
        using var first = new PooledBuffer(4 * 1024 * 1024, budget);
        using var second = new PooledBuffer(4 * 1024 * 1024, budget);

        Assert.True(first.Append(chunk));
        Assert.Equal(Large, budget.HeldBytes);

        Assert.False(second.Append(chunk));
        Assert.True(second.RefusedByBudget);
        Assert.Equal(0, second.Length);
        Assert.Equal(1, budget.Refusals);
        Assert.Equal(Large, budget.HeldBytes);

        first.Clear();
        Assert.Equal(0, budget.HeldBytes);
        Assert.True(second.Append(chunk));
        Assert.Equal(Large, budget.HeldBytes);
        second.Dispose();

        Assert.Equal(0, budget.HeldBytes);
        Assert.Equal(Large, budget.PeakBytes);
        Assert.Equal(1, budget.Refusals);
    }

    [Fact]
    public void Small_buffers_are_pooled_and_not_charged_and_the_size_limit_is_not_a_budget_refusal()
    {
        var budget = new DecodedBodyBudget(1024 * 1024);
        using var buffer = new PooledBuffer(DecodedBodyBudget.UnchargedBufferBytes, budget);

        Assert.True(buffer.Append(new byte[DecodedBodyBudget.UnchargedBufferBytes]));
        Assert.False(buffer.Append(1));

        Assert.False(buffer.RefusedByBudget);
        Assert.Equal(DecodedBodyBudget.UnchargedBufferBytes, buffer.Length);
        Assert.Equal(0, budget.HeldBytes);
        Assert.Equal(0, budget.PeakBytes);
        Assert.Equal(0, budget.Refusals);
    }

    [Fact]
    public void Growth_keeps_the_content_and_charges_old_and_new_arrays_only_while_both_are_held()
    {
        var budget = new DecodedBodyBudget(8 * 1024 * 1024);
        using var buffer = new PooledBuffer(8 * 1024 * 1024, budget);
        var pattern = Enumerable.Range(0, Large).Select(i => (byte)(i % 251)).ToArray();

        Assert.True(buffer.Append(pattern));
        Assert.True(buffer.Append(pattern));

        Assert.Equal(pattern.Concat(pattern).ToArray(), buffer.Span.ToArray());
        Assert.Equal(2 * Large, budget.HeldBytes);
        Assert.Equal(3 * Large, budget.PeakBytes);
    }

    [Fact]
    public async Task An_emptied_budget_trims_the_heap_once_after_64_MiB_were_charged_and_not_before()
    {
        var budget = new DecodedBodyBudget(DecodedBodyBudget.TrimAfterBytes);
        var almost = new PooledBuffer((int)DecodedBodyBudget.TrimAfterBytes, budget);
        Assert.True(almost.Append(new byte[(int)(DecodedBodyBudget.TrimAfterBytes / 2)]));
        almost.Dispose();
        await Task.Delay(DecodedBodyBudget.TrimDelay * 3);
        Assert.Equal(0, budget.Trims);

        // Two more 32 MiB buffers, held at once: the first release leaves the budget in use, the second empties it.
        using (var first = new PooledBuffer((int)DecodedBodyBudget.TrimAfterBytes, budget))
        using (var second = new PooledBuffer((int)DecodedBodyBudget.TrimAfterBytes, budget))
        {
            Assert.True(first.Append(new byte[(int)(DecodedBodyBudget.TrimAfterBytes / 2)]));
            Assert.True(second.Append(new byte[(int)(DecodedBodyBudget.TrimAfterBytes / 2)]));
        }

        Assert.Equal(0, budget.HeldBytes);
        for (var waited = TimeSpan.Zero; budget.Trims == 0 && waited < TimeSpan.FromSeconds(10); waited += TimeSpan.FromMilliseconds(50))
        {
            await Task.Delay(50);
        }

        Assert.Equal(1, budget.Trims);
        await Task.Delay(DecodedBodyBudget.TrimDelay * 3);
        Assert.Equal(1, budget.Trims);
    }

    [Fact]
    public async Task No_trim_runs_while_a_decompressor_is_at_work_and_one_runs_once_the_last_ends()
    {
        var budget = new DecodedBodyBudget(DecodedBodyBudget.TrimAfterBytes * 2);
        budget.EnterDecoder();
        using (var buffer = new PooledBuffer((int)DecodedBodyBudget.TrimAfterBytes * 2, budget))
        {
            Assert.True(buffer.Append(new byte[(int)DecodedBodyBudget.TrimAfterBytes]));
        }

        // The budget is empty, but the decompressor's memory is not the budget's: a trim now would come too early.
        Assert.Equal(0, budget.HeldBytes);
        await Task.Delay(DecodedBodyBudget.TrimDelay * 3);
        Assert.Equal(0, budget.Trims);

        budget.ExitDecoder();
        for (var waited = TimeSpan.Zero; budget.Trims == 0 && waited < TimeSpan.FromSeconds(10); waited += TimeSpan.FromMilliseconds(50))
        {
            await Task.Delay(50);
        }

        Assert.Equal(1, budget.Trims);
    }

    [Fact]
    public async Task A_burst_that_goes_on_after_a_trim_is_trimmed_again_once_it_is_over()
    {
        var budget = new DecodedBodyBudget(DecodedBodyBudget.TrimAfterBytes * 2);
        await ChargeAndReleaseAsync(budget);
        await WaitForTrimsAsync(budget, 1);

        // The burst resumes after the lull the first trim used: charged again, it is trimmed again when it ends.
        await ChargeAndReleaseAsync(budget);
        await WaitForTrimsAsync(budget, 2, DecodedBodyBudget.TrimInterval + TimeSpan.FromSeconds(10));
        Assert.Equal(2, budget.Trims);
    }

    private static Task ChargeAndReleaseAsync(DecodedBodyBudget budget)
    {
        using var buffer = new PooledBuffer((int)DecodedBodyBudget.TrimAfterBytes * 2, budget);
        Assert.True(buffer.Append(new byte[(int)DecodedBodyBudget.TrimAfterBytes]));
        return Task.CompletedTask;
    }

    private static async Task WaitForTrimsAsync(DecodedBodyBudget budget, long trims, TimeSpan? limit = null)
    {
        for (var waited = TimeSpan.Zero; budget.Trims < trims && waited < (limit ?? TimeSpan.FromSeconds(10)); waited += TimeSpan.FromMilliseconds(50))
        {
            await Task.Delay(50);
        }

        Assert.Equal(trims, budget.Trims);
    }
}
