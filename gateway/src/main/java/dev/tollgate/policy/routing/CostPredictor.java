package dev.tollgate.policy.routing;

import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.provider.Deployment;
import dev.tollgate.usage.PriceTable;

/**
 * The worst case of a call before it runs, as budgets reserve it (the budget policy's estimator implements it):
 * the prompt as Tollgate counts it plus the most output the call may produce on a target, priced there.
 */
public interface CostPredictor {

    /** Tokens of the prompt of a call of {@code org} (null: none), as counted for {@code model}. */
    long promptTokens(String org, CanonicalRequest request, String model);

    /** The most output {@code request} may produce on {@code target}: its {@code max_tokens}, else the model's limit. */
    long maxOutput(CanonicalRequest request, Deployment target);

    /** The worst-case cost of {@code request} with a prompt of {@code promptTokens} on {@code target}. */
    PriceTable.Cost worstCase(CanonicalRequest request, long promptTokens, Deployment target);
}
