/**
 * Code shared by scheduler bundles: {@link io.hypatia.scheduler.support.SchedulerSettings} (strict,
 * range-checked settings that name {@code config.<key>} in errors),
 * {@link io.hypatia.scheduler.support.Rung} (one rung's values with rank queries and promotion
 * bookkeeping) and {@link io.hypatia.scheduler.support.SuccessiveHalving} (asynchronous
 * successive halving in one or more brackets: ASHA and asynchronous Hyperband).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.hypatia.scheduler.support;
