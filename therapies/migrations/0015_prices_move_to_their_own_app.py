"""Cost estimates, price imports and NDC mappings now belong to the prices
app (prices/0001 adopts their tables and rows): this app forgets them
without touching the database."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('therapies', '0014_estimate_feed_indexes'),
        ('prices', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='historicalcostestimate',
                    name='replaces',
                ),
                migrations.RemoveField(
                    model_name='historicalcostestimate',
                    name='category',
                ),
                migrations.RemoveField(
                    model_name='historicalcostestimate',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalcostestimate',
                    name='price_import',
                ),
                migrations.RemoveField(
                    model_name='historicalcostestimate',
                    name='recorded_by',
                ),
                migrations.RemoveField(
                    model_name='historicalcostestimate',
                    name='therapy',
                ),
                migrations.RemoveField(
                    model_name='historicalcostestimate',
                    name='withdrawn_by',
                ),
                migrations.RemoveField(
                    model_name='ndcmapping',
                    name='therapy',
                ),
                migrations.RemoveField(
                    model_name='priceimport',
                    name='created_by',
                ),
                migrations.DeleteModel(
                    name='CostEstimate',
                ),
                migrations.DeleteModel(
                    name='HistoricalCostEstimate',
                ),
                migrations.DeleteModel(
                    name='NdcMapping',
                ),
                migrations.DeleteModel(
                    name='PriceImport',
                ),
            ],
        ),
    ]
